"""Importing aqa_mm hides mmcv-lite's MultiScaleDeformableAttention warning
only: the same message from elsewhere, and other warnings, still show."""
import subprocess
import sys

MESSAGE = 'MultiScaleDeformableAttention'


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-W', 'default', '-c', code],
                          capture_output=True, text=True, timeout=300)


def test_import_is_quiet():
    proc = _run('import aqa_mm, mmaction.models')
    assert proc.returncode == 0, proc.stderr
    assert MESSAGE not in proc.stderr


def test_filter_is_not_global():
    proc = _run('import aqa_mm, warnings\n'
                'warnings.warn("Fail to import ``MultiScaleDeformableAttention'
                '`` from elsewhere")\n'
                'warnings.warn("another warning")')
    assert proc.returncode == 0, proc.stderr
    assert 'from elsewhere' in proc.stderr
    assert 'another warning' in proc.stderr


def test_without_the_fix_it_warns():
    # the warning is real: importing the module directly, first, shows it
    proc = _run('import mmcv.cnn.bricks.transformer')
    assert MESSAGE in proc.stderr
