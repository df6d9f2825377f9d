"""Shared converter steps: pose checks, range parsing, atomic output."""
import pickle

import numpy as np
import pytest

from aqa_mm.datasets.converters.common import (PlannedSample, convert,
                                               out_of_range,
                                               parse_score_ranges)
from aqa_mm.datasets.converters.readers import (check_pose, load_mat_array,
                                                load_pose_file)
from aqa_mm.utils.cli import DataError, UserError
from .fake_data import pose_dict, write_pose


def test_check_pose():
    assert check_pose(pose_dict()) is None
    assert 'expected (M, T, 17, 2)' in check_pose(
        dict(pose_dict(), keypoint=np.zeros((1, 4, 25, 2))))
    assert 'keypoint_score has shape' in check_pose(
        dict(pose_dict(), keypoint_score=np.zeros((1, 3, 17))))
    assert check_pose(dict(pose_dict(), keypoint=np.zeros(
        (0, 4, 17, 2)), keypoint_score=np.zeros((0, 4, 17)))).startswith(
        'empty skeleton')
    assert check_pose([1, 2]) == 'not a dict but list'


def test_load_pose_file_names_the_file(tmp_path):
    write_pose(tmp_path / 'ok.pkl', frames=5, persons=2)
    assert load_pose_file(str(tmp_path / 'ok.pkl'))['keypoint'].shape == (
        2, 5, 17, 2)
    (tmp_path / 'bad.pkl').write_bytes(b'\x80junk')
    with pytest.raises(DataError, match='bad.pkl: unreadable pose file'):
        load_pose_file(str(tmp_path / 'bad.pkl'))


def test_load_mat_array_errors(tmp_path, real_data_dir):
    path = str(real_data_dir / 'aqa7' / 'split_4_train_list.mat')
    with pytest.raises(DataError, match="no variable 'nope'; it holds "
                       r"\['consolidated_train_list'\]"):
        load_mat_array(path, 'nope')
    with pytest.raises(FileNotFoundError, match='missing.mat not found'):
        load_mat_array(str(tmp_path / 'missing.mat'), 'x')


def test_parse_score_ranges():
    assert parse_score_ranges(['a=1,2.5'], ['a']) == {'a': (1.0, 2.5)}
    assert parse_score_ranges(None) == {}
    for bad in (['a=2,1'], ['a=1'], ['a:1,2']):
        with pytest.raises(UserError, match='expected NAME=LO,HI'):
            parse_score_ranges(bad, ['a'])
    with pytest.raises(UserError, match="unknown class 'b'"):
        parse_score_ranges(['b=1,2'], ['a'])


def _sample(i, score=1.0, **kwargs):
    return PlannedSample(sample_id=f's{i}', split='train', score=score,
                         class_id=0, class_name='a', **kwargs)


def test_out_of_range_bounds_inclusive():
    samples = [_sample(0, 1.0), _sample(1, 2.0), _sample(2, 2.5)]
    assert out_of_range(samples, {'a': (1.0, 2.0)}) == [
        's2: score 2.5 outside a range [1, 2]']
    assert out_of_range(samples, {}) == []


def test_convert_is_atomic_and_checks_output(tmp_path):
    samples = [_sample(0, pose=pose_dict()), _sample(1, pose=pose_dict())]
    out = tmp_path / 'ann.pkl'
    report = convert(samples, str(out), None, False, {}, {})
    assert report.counts == {'train': 2}
    assert len(pickle.loads(out.read_bytes())['annotations']) == 2
    assert [p.name for p in tmp_path.iterdir()] == ['ann.pkl']
    with pytest.raises(UserError, match='must be a .pkl'):
        convert(samples, str(tmp_path / 'ann.txt'), None, False, {}, {})
    with pytest.raises(DataError, match=r"duplicate sample ids: \['s0'\]"):
        convert(samples + samples[:1], str(out), None, False, {}, {})
    with pytest.raises(DataError, match='no sample left'):
        convert([_sample(3, pose_file=str(tmp_path / 'x.pkl'))], str(out),
                None, True, {}, {})
