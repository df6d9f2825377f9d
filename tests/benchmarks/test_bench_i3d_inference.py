"""benchmarks/bench_i3d_inference.py with a tiny clip on $AQA_TEST_DEVICE
(cpu in CI, cuda in benchmarks/gpu_check.sh): it runs, writes its JSON and
refuses bad sizes in one line."""
import importlib.util
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEVICE = os.environ.get('AQA_TEST_DEVICE', 'cpu')


def _bench():
    spec = importlib.util.spec_from_file_location(
        'bench_i3d_inference', ROOT / 'benchmarks' / 'bench_i3d_inference.py')
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_bench_i3d_inference_tiny(tmp_path):
    out = tmp_path / 'i3d.json'
    amp = ['--amp'] if DEVICE.startswith('cuda') else []  # bf16 CPU: slow
    results = _bench().main(['--device', DEVICE, '--frames', '8', '--size',
                             '32', '--batch', '2', '--repeats', '2',
                             '--steps', '1', '--threads', '1', *amp,
                             '--out', str(out)])
    saved = json.loads(out.read_text())
    assert set(saved['results']) == {'fp32', *(['amp'] if amp else [])}
    fp32 = saved['results']['fp32']
    assert len(fp32['runs']) == 2 and fp32['clips_per_s'] > 0
    assert fp32['clips_per_s'] == pytest.approx(results['fp32']['clips_per_s'])
    assert (fp32['peak_memory_mb'] is None) == (DEVICE == 'cpu')
    assert saved['config']['size'] == 32


def test_bad_size_is_refused(capsys):
    with pytest.raises(SystemExit):
        _bench().main(['--frames', '0'])
    assert '--frames must be >= 1, got 0' in capsys.readouterr().err
