"""Results JSON name paths without the machine's absolute paths."""
from aqa_mm.utils.run_record import (REPO_ROOT, machine_info, relative_command,
                                     relative_path)


def test_paths_are_named_without_the_machine(tmp_path, monkeypatch):
    monkeypatch.setenv('AQA_DATA_DIR', str(tmp_path / 'data'))
    assert relative_path(str(REPO_ROOT / 'configs' / 'x.py')) == \
        'configs/x.py'
    assert relative_path(str(tmp_path / 'data' / 'videos' / 'a.mp4')) == \
        '$AQA_DATA_DIR/videos/a.mp4'
    assert relative_path(str(tmp_path / 'elsewhere' / 'b.pkl')) == 'b.pkl'
    assert relative_path(None) is None
    assert relative_command('python -m m', [
        '--ann', str(REPO_ROOT / 'data' / 'a.pkl'), '--seed', '0']) == \
        'python -m m --ann data/a.pkl --seed 0'


def test_machine_info():
    info = machine_info()
    assert info['cpus'] >= 1 and info['torch'] and 'T' in info['date']
