"""benchmarks/bench_encoder_throughput.py with tiny settings, both modes:
it runs, writes its JSON, and the ratio it reports is the one of its runs."""
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize('mode', ['finetune', 'pretrain'])
def test_bench_encoder_throughput_tiny(mode, tmp_path):
    spec = importlib.util.spec_from_file_location(
        'bench_encoder_throughput',
        ROOT / 'benchmarks' / 'bench_encoder_throughput.py')
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / 'e.json'
    bench.main(['--mode', mode, '--repeats', '2', '--steps', '1', '--batch',
                '2', '--frames', '8', '--threads', '1', '--out', str(out)])
    result = json.loads(out.read_text())
    ours, ref = (result['results'][k]
                 for k in ('SMEGCN (ours)', 'mmaction2 STGCN'))
    assert len(ours['runs']) == 2 and ours['samples_per_s'] > 0
    assert result['ratios']['SMEGCN / STGCN'] == pytest.approx(
        ours['samples_per_s'] / ref['samples_per_s'])
    assert result['config']['mode'] == mode
    # the pretrainer adds nothing trainable to the encoder
    assert ours['params'] == 1_486_766
