"""benchmarks/gloo_exit_abort.py: one launch per mode, counted and
reported (the workaround mode must finish; the abort itself is too rare
to assert on in one launch)."""
import importlib
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_one_launch_per_mode_is_counted_and_reported(tmp_path, capsys):
    sys.path.insert(0, str(ROOT / 'benchmarks'))
    try:
        bench = importlib.import_module('gloo_exit_abort')
    finally:
        sys.path.remove(str(ROOT / 'benchmarks'))
    out = tmp_path / 'report.json'
    bench.main(['--runs', '1', '--load', '0', '--base-port',
                str(free_port()), '--out', str(out)])
    report = json.loads(out.read_text())
    assert report['load'] == 0 and set(report['modes']) == set(bench.MODES)
    assert all(c['runs'] == 1 for c in report['modes'].values())
    assert report['modes']['os_exit']['failed'] == 0
    assert 'os_exit: 0 of 1 launches failed' in capsys.readouterr().out
