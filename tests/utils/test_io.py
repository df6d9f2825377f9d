import pickle

import pytest

from aqa_mm.utils.io import atomic_open, atomic_pickle_dump, atomic_write_text


def test_atomic_pickle_roundtrip(tmp_path):
    path = tmp_path / 'sub' / 'x.pkl'
    atomic_pickle_dump({'a': 1}, path)
    assert pickle.loads(path.read_bytes()) == {'a': 1}
    assert [p.name for p in path.parent.iterdir()] == ['x.pkl']


def test_failed_write_leaves_old_file_and_no_temp(tmp_path):
    path = tmp_path / 'x.txt'
    atomic_write_text('old', path)
    with pytest.raises(RuntimeError):
        with atomic_open(path, 'w') as f:
            f.write('half')
            raise RuntimeError('killed')
    assert path.read_text() == 'old'
    assert [p.name for p in tmp_path.iterdir()] == ['x.txt']


def test_bad_mode(tmp_path):
    with pytest.raises(ValueError, match='modes'):
        with atomic_open(tmp_path / 'x', 'a'):
            pass
