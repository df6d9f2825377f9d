"""benchmarks/bench_2maf.py with tiny settings: it runs, writes its JSON and
tables, and its numbers are consistent."""
import json

import pytest

from benchmarks import bench_2maf as bench


def test_bench_2maf_tiny(tmp_path):
    out, md = tmp_path / 'b.json', tmp_path / 'b.md'
    bench.main(['--repeats', '2', '--threads', '1', '--clips', '2',
                '--size', '32', '--frames', '16', '--train-batch', '2',
                '--train-clips', '1', '--cached-steps', '3', '--out',
                str(out), '--markdown', str(md)])
    result = json.loads(out.read_text())
    assert result['shapes'] == dict(rgb=[2, 3, 16, 32, 32],
                                    skeleton=[1, 1, 16, 17, 3])
    assert result['flops']['total']['flops'] == pytest.approx(
        sum(result['flops'][k]['flops'] for k in ('rgb', 'skeleton', 'head')),
        rel=0.01)
    lat = result['latency']
    assert all(len(r['runs']) == 2 and r['median_s'] > 0
               for r in lat.values())
    train = result['training']
    cached = train['cached features']['samples_per_s']
    e2e = train['end to end, frozen backbones (1 clips)']['samples_per_s']
    assert cached > e2e > 0   # running the backbones costs time
    text = md.read_text()
    for heading in ('(a) Parameters and FLOPs', '(b) Inference latency',
                    '(c) PFM training speed'):
        assert heading in text
    assert '(CPU, 1 threads, median of 2' in text
    assert result['device'] == '1 threads'
    assert result['config']['config'] == 'configs/2maf/2maf_aqa7.py'
    assert result['config']['out'] == 'b.json'  # no absolute path
    assert result['command'].startswith('python benchmarks/bench_2maf.py ')
