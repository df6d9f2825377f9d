"""benchmarks/bench_i3d_inference.py with a tiny clip on $AQA_TEST_DEVICE
(cpu in CI, cuda in benchmarks/gpu_check.py): it runs, writes its JSON with
a command relative to the repository root, and refuses bad sizes and
devices in one line."""
import json
import os

import pytest

from benchmarks import bench_i3d_inference as bench

DEVICE = os.environ.get('AQA_TEST_DEVICE', 'cpu')


def test_bench_i3d_inference_tiny(tmp_path):
    out = tmp_path / 'i3d.json'
    amp = ['--amp'] if DEVICE.startswith('cuda') else []  # bf16 CPU: slow
    results = bench.main(['--device', DEVICE, '--frames', '8', '--size',
                          '32', '--batch', '2', '--repeats', '2', '--steps',
                          '1', '--threads', '1', *amp, '--out', str(out)])
    saved = json.loads(out.read_text())
    assert set(saved['results']) == {'fp32', *(['amp'] if amp else [])}
    fp32 = saved['results']['fp32']
    assert len(fp32['runs']) == 2 and fp32['clips_per_s'] > 0
    assert fp32['clips_per_s'] == pytest.approx(results['fp32']['clips_per_s'])
    assert (fp32['peak_memory_mb'] is None) == (DEVICE == 'cpu')
    assert saved['config']['size'] == 32
    assert saved['command'].startswith(
        'python benchmarks/bench_i3d_inference.py --device')
    assert saved['command'].endswith('--out i3d.json')  # no absolute path


@pytest.mark.parametrize('args,message', [
    (['--frames', '0'], '--frames must be >= 1, got 0'),
    (['--device', 'tpu'], '--device tpu:')])
def test_bad_options_are_refused(args, message, capsys):
    with pytest.raises(SystemExit):
        bench.main(args)
    assert message in capsys.readouterr().err
