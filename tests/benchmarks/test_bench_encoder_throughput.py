"""benchmarks/bench_encoder_throughput.py with tiny settings, both modes:
it runs, writes its JSON, and the ratio it reports is the one of its runs;
with --amp the autocast rows and their ratio come along."""
import json

import pytest

from benchmarks import bench_encoder_throughput as bench


@pytest.mark.parametrize('mode,amp', [('finetune', False),
                                      ('pretrain', False), ('finetune', True)])
def test_bench_encoder_throughput_tiny(mode, amp, tmp_path):
    out = tmp_path / 'e.json'
    bench.main(['--mode', mode, '--repeats', '2', '--steps', '1', '--batch',
                '2', '--frames', '8', '--threads', '1', '--out', str(out),
                *(['--amp'] if amp else [])])
    result = json.loads(out.read_text())
    ours, ref = (result['results'][k]
                 for k in ('SMEGCN (ours)', 'mmaction2 STGCN'))
    assert len(ours['runs']) == 2 and ours['samples_per_s'] > 0
    assert result['ratios']['SMEGCN / STGCN'] == pytest.approx(
        ours['samples_per_s'] / ref['samples_per_s'])
    assert result['config']['mode'] == mode
    assert result['config']['out'] == 'e.json'  # no absolute path
    assert result['command'].startswith(
        f'python benchmarks/bench_encoder_throughput.py --mode {mode}')
    # the pretrainer adds nothing trainable to the encoder
    assert ours['params'] == 1_486_766
    amp_rows = {k for k in result['results'] if k.endswith(' + AMP')}
    assert amp_rows == ({'SMEGCN (ours) + AMP', 'mmaction2 STGCN + AMP'}
                        if amp else set())
    if amp:
        assert result['ratios']['SMEGCN AMP / fp32'] == pytest.approx(
            result['results']['SMEGCN (ours) + AMP']['samples_per_s']
            / ours['samples_per_s'])
