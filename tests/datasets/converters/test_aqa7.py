"""AQA-7 converter on the REAL split_4 files (803 / 303) with fake media."""
import pickle

import numpy as np
import pytest
from scipy.io import loadmat

from aqa_mm.datasets import AQADataset
from aqa_mm.datasets.converters import aqa7, convert_aqa7
from aqa_mm.utils.cli import DataError
from .fake_data import AQA7_COUNTS, make_aqa7_media


@pytest.fixture
def media(real_data_dir, tmp_path):
    return make_aqa7_media(real_data_dir / 'aqa7', tmp_path)


def _convert(real_data_dir, media, out, **kwargs):
    root, poses = media
    return convert_aqa7(str(real_data_dir / 'aqa7'), str(root), str(poses),
                        str(out), **kwargs)


def test_real_split_rows_and_counts(real_data_dir):
    rows, dropped = aqa7.read_split_rows(str(real_data_dir / 'aqa7'))
    assert dropped == 0
    assert rows['train'].shape == (803, 3) and rows['test'].shape == (303, 3)
    for cid, name in enumerate(aqa7.CLASS_NAMES, start=1):
        counts = tuple(int((rows[s][:, 0] == cid).sum())
                       for s in ('train', 'test'))
        assert counts == AQA7_COUNTS[name], name


def test_convert_writes_every_real_sample(real_data_dir, media, tmp_path):
    out = tmp_path / 'aqa7.pkl'
    report = _convert(real_data_dir, media, out)
    assert report.counts == {'train': 803, 'test': 303}
    assert not report.skipped and not report.out_of_range
    ann = pickle.loads(out.read_bytes())
    assert len(ann['annotations']) == 1106
    assert ann['metainfo']['classes'] == list(aqa7.CLASS_NAMES)
    by_id = {a['frame_dir']: a for a in ann['annotations']}
    # every split row is there with its score, class and paths
    mat = loadmat(real_data_dir / 'aqa7' / 'split_4_test_list.mat')
    for cls, index, score in mat['consolidated_test_list']:
        name = aqa7.CLASS_NAMES[int(cls) - 1]
        item = by_id[f'{name}_{int(index):03d}']
        assert item['score'] == pytest.approx(score, abs=0)
        assert item['class_id'] == int(cls) - 1
        assert item['class_name'] == name and item['difficulty'] is None
        assert item['video'] == f'Actions/{name}/{int(index):03d}.avi'
        assert item['frame_dir'] in ann['split']['test']
    item = by_id['diving_054']
    assert item['keypoint'].shape == (1, item['total_frames'], 17, 2)
    assert item['keypoint'].dtype == np.float32
    assert item['keypoint_score'].shape == (1, item['total_frames'], 17)
    assert item['img_shape'] == (64, 96)


def test_output_loads_in_aqadataset(real_data_dir, media, tmp_path):
    out = tmp_path / 'aqa7.pkl'
    _convert(real_data_dir, media, out)
    train = AQADataset(str(out), pipeline=[], split='train')
    test = AQADataset(str(out), pipeline=[], split='test', test_mode=True,
                      data_prefix=dict(video=str(media[0])),
                      modality='RGBPose')
    assert len(train) == 803 and len(test) == 303
    # ranges from the training split: diving's train minimum is 29.7
    assert train.metainfo['score_ranges'][0] == (29.7, 102.6)
    assert test[0]['filename'].startswith(str(media[0]))


def test_missing_video_and_skeleton_stop_with_names(real_data_dir, media,
                                                    tmp_path):
    root, poses = media
    (poses / 'gym_vault' / '001.pkl').unlink()
    (root / 'Actions' / 'diving' / '054.avi').unlink()
    out = tmp_path / 'aqa7.pkl'
    with pytest.raises(DataError) as exc:
        _convert(real_data_dir, media, out)
    message = str(exc.value)
    assert message.startswith('2 of 1106 annotated samples')
    assert 'diving_054: video' in message and '054.avi not found' in message
    assert 'gym_vault_001: skeleton' in message
    assert '--skip-missing' in message and '\n' not in message
    assert not out.exists()


def test_skip_missing_skips_and_reports(real_data_dir, media, tmp_path):
    root, poses = media
    (poses / 'gym_vault' / '001.pkl').write_bytes(b'not a pickle')
    (root / 'Actions' / 'diving' / '054.avi').unlink()
    out = tmp_path / 'aqa7.pkl'
    report = _convert(real_data_dir, media, out, skip_missing=True)
    assert sum(report.counts.values()) == 1104
    assert [s.split(':')[0] for s in report.skipped] == ['diving_054',
                                                          'gym_vault_001']
    assert 'unreadable pose file' in report.skipped[1]
    ann = pickle.loads(out.read_bytes())
    ids = {a['frame_dir'] for a in ann['annotations']}
    assert 'diving_054' not in ids and 'diving_054' not in ann['split'][
        'train'] + ann['split']['test']


def test_score_outside_range_is_reported(real_data_dir, media, tmp_path):
    report = _convert(real_data_dir, media, tmp_path / 'a.pkl',
                      score_ranges={'gym_vault': (13.0, 17.0)})
    flagged = {s.split(':')[0] for s in report.out_of_range}
    assert flagged == {'gym_vault_080', 'gym_vault_159', 'gym_vault_170'}
    assert 'outside gym_vault range [13, 17]' in report.out_of_range[0]


def test_nominal_ranges_hold_every_real_score(real_data_dir):
    rows, _ = aqa7.read_split_rows(str(real_data_dir / 'aqa7'))
    every = np.concatenate(list(rows.values()))
    for cid, name in enumerate(aqa7.CLASS_NAMES, start=1):
        scores = every[every[:, 0] == cid, 2]
        assert (scores.min(), scores.max()) == aqa7.NOMINAL_SCORE_RANGES[name]


def test_bad_split_file_is_named(tmp_path):
    from scipy.io import savemat
    savemat(tmp_path / 'split_4_train_list.mat',
            dict(consolidated_train_list=np.array([[9, 1, 50.0]])))
    savemat(tmp_path / 'split_4_test_list.mat',
            dict(consolidated_test_list=np.array([[1, 1, 50.0]])))
    with pytest.raises(DataError, match=r'split_4_train_list.mat: unknown '
                       r'class id\(s\) \[9.0\]'):
        aqa7.read_split_rows(str(tmp_path))
