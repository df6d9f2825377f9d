"""UNLV-Dive converter on the REAL score and split files (300 / 70)."""
import pickle

import numpy as np
import pytest
from scipy.io import loadmat, savemat

from aqa_mm.datasets.converters import convert_unlv_dive, unlv_dive
from aqa_mm.utils.cli import DataError, UserError
from .fake_data import make_unlv_media


@pytest.fixture
def media(tmp_path):
    return make_unlv_media(tmp_path)


def _mat(real_data_dir, name, key):
    return loadmat(real_data_dir / 'unlv_dive' / name)[key].ravel()


def _convert(real_data_dir, media, out, **kwargs):
    root, poses = media
    return convert_unlv_dive(str(real_data_dir / 'aqa7'),
                             str(real_data_dir / 'unlv_dive'), str(root),
                             str(poses), str(out), **kwargs)


def test_real_scores_and_split(real_data_dir):
    overall, difficulty = unlv_dive.load_scores(
        str(real_data_dir / 'unlv_dive'))
    assert overall.shape == difficulty.shape == (370, )
    split = unlv_dive.split_indices(str(real_data_dir / 'aqa7'), overall)
    assert (len(split['train']), len(split['test'])) == (300, 70)
    assert sorted(split['train'] + split['test']) == list(range(1, 371))


def test_execution_score_is_overall_over_difficulty(real_data_dir, media,
                                                    tmp_path):
    overall = _mat(real_data_dir, 'diving_overall_scores.mat',
                   'overall_scores')
    difficulty = _mat(real_data_dir, 'diving_difficulty_level.mat',
                      'difficulty_level')
    out = tmp_path / 'unlv.pkl'
    report = _convert(real_data_dir, media, out)
    assert report.counts == {'train': 300, 'test': 70}
    assert not report.out_of_range  # every execution score is in [0, 30]
    ann = pickle.loads(out.read_bytes())
    assert ann['metainfo']['score_label'] == 'execution'
    for item in ann['annotations']:
        i = int(item['frame_dir'].split('_')[1]) - 1
        assert item['score'] == overall[i] / difficulty[i]
        assert item['difficulty'] == difficulty[i]
        assert item['score'] * item['difficulty'] == pytest.approx(
            overall[i], rel=1e-12)
        assert item['class_id'] == 0 and item['class_name'] == 'diving'
        assert item['video'] == \
            f'diving_samples_len_151_lstm/{i + 1:03d}.avi'
    # a spot check against the raw .mat values: dive 54 = 84.15 / 3.3
    dive = next(a for a in ann['annotations']
                if a['frame_dir'] == 'diving_054')
    assert (overall[53], difficulty[53]) == (84.15, 3.3)
    assert dive['score'] == pytest.approx(25.5)


def test_overall_label(real_data_dir, media, tmp_path):
    out = tmp_path / 'unlv.pkl'
    _convert(real_data_dir, media, out, label='overall')
    ann = pickle.loads(out.read_bytes())
    overall = _mat(real_data_dir, 'diving_overall_scores.mat',
                   'overall_scores')
    scores = {a['frame_dir']: a['score'] for a in ann['annotations']}
    assert scores['diving_054'] == overall[53]
    assert all(a['difficulty'] is not None for a in ann['annotations'])
    with pytest.raises(UserError, match="label must be 'execution'"):
        _convert(real_data_dir, media, out, label='final')


def test_split_is_the_aqa7_diving_split(real_data_dir, media, tmp_path):
    out = tmp_path / 'unlv.pkl'
    _convert(real_data_dir, media, out)
    ann = pickle.loads(out.read_bytes())
    rows = loadmat(real_data_dir / 'aqa7' / 'split_4_test_list.mat')[
        'consolidated_test_list']
    test_ids = {f'diving_{int(i):03d}' for c, i, _ in rows if c == 1}
    assert set(ann['split']['test']) == test_ids


def test_unlv_split_files(real_data_dir, media, tmp_path):
    savemat(tmp_path / 'training_idx.mat',
            dict(training_idx=np.arange(1, 301)[None]))
    savemat(tmp_path / 'testing_idx.mat',
            dict(testing_idx=np.arange(301, 371)[None]))
    report = _convert(real_data_dir, media, tmp_path / 'u.pkl',
                      unlv_split_dir=str(tmp_path))
    assert report.counts == {'train': 300, 'test': 70}
    root, poses = media
    with pytest.raises(UserError, match='--split-dir'):
        convert_unlv_dive(None, str(real_data_dir / 'unlv_dive'), str(root),
                          str(poses), str(tmp_path / 'v.pkl'))


def test_missing_and_skip(real_data_dir, tmp_path):
    media = make_unlv_media(tmp_path, indices=range(2, 371))
    with pytest.raises(DataError, match=r'^1 of 370 annotated samples .*'
                       r'diving_001: video .*001.avi not found'):
        _convert(real_data_dir, media, tmp_path / 'u.pkl')
    report = _convert(real_data_dir, media, tmp_path / 'u.pkl',
                      skip_missing=True)
    assert sum(report.counts.values()) == 369
    assert report.skipped[0].startswith('diving_001: video')


def test_score_range_reported(real_data_dir, media, tmp_path):
    report = _convert(real_data_dir, media, tmp_path / 'u.pkl',
                      score_range=(10.0, 30.0))
    assert report.out_of_range  # a few dives have execution < 10
    assert all('outside diving range [10, 30]' in s
               for s in report.out_of_range)
