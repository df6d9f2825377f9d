"""MMFS-63 converter on lists in the layout of the authors' loader."""
import pickle

import numpy as np
import pytest

from aqa_mm.datasets import AQADataset
from aqa_mm.datasets.converters import convert_mmfs63, mmfs63
from aqa_mm.utils.cli import DataError, UserError
from .fake_data import make_mmfs


def test_to_pose_layouts():
    arr = np.arange(5 * 17 * 3 * 2, dtype=np.float32).reshape(5, 17, 3, 2)
    pose = mmfs63.to_pose(arr)  # (T, V, C, M)
    assert pose['keypoint'].shape == (2, 5, 17, 2)
    assert pose['keypoint_score'].shape == (2, 5, 17)
    np.testing.assert_array_equal(pose['keypoint'][1, 4, 16],
                                  arr[4, 16, :2, 1])
    assert pose['keypoint_score'][1, 4, 16] == arr[4, 16, 2, 1]
    mmaction = np.transpose(arr, (3, 0, 1, 2))  # (M, T, V, C)
    np.testing.assert_array_equal(
        mmfs63.to_pose(mmaction, 'MTVC')['keypoint'], pose['keypoint'])
    xy = mmfs63.to_pose(arr[:, :, :2, 0], 'TVC')  # no score, no person axis
    assert xy['keypoint'].shape == (1, 5, 17, 2)
    assert np.all(xy['keypoint_score'] == 1)


def test_convert_with_labels(tmp_path):
    skel = make_mmfs(tmp_path / 'mmfs')
    (skel / 'class_names.txt').write_text('2A\n3Lz\nCCoSp\n')
    out = tmp_path / 'mmfs.pkl'
    report = convert_mmfs63(str(skel), str(out))
    assert report.counts == {'train': 7, 'test': 3}
    assert any('MMFS-63 has 3959' in n for n in report.notes)
    ann = pickle.loads(out.read_bytes())
    assert ann['metainfo']['classes'] == ['2A', '3Lz', 'CCoSp']
    data = pickle.loads((skel / 'train_data.pkl').read_bytes())
    scores = pickle.loads((skel / 'train_score.pkl').read_bytes())
    item = ann['annotations'][1]
    assert item['frame_dir'] == 'train/clip_0001'
    assert item['video'] == 'train/clip_0001.mp4'
    assert item['score'] == scores[1] and item['class_id'] == 1
    assert item['class_name'] == '3Lz'
    np.testing.assert_array_equal(item['keypoint'][0],
                                  data[1][:, :, :2, 0])
    ds = AQADataset(str(out), pipeline=[], split='test')
    assert len(ds) == 3


def test_convert_pooled_without_labels(tmp_path):
    skel = make_mmfs(tmp_path / 'mmfs', labels=False)
    out = tmp_path / 'mmfs.pkl'
    convert_mmfs63(str(skel), str(out))
    ann = pickle.loads(out.read_bytes())
    assert ann['metainfo']['classes'] == ['figure_skating']
    assert {a['class_id'] for a in ann['annotations']} == {0}


def test_missing_skeleton_and_video(tmp_path):
    skel = make_mmfs(tmp_path / 'mmfs')
    data = pickle.loads((skel / 'test_data.pkl').read_bytes())
    data[2] = None
    (skel / 'test_data.pkl').write_bytes(pickle.dumps(data))
    videos = tmp_path / 'videos'
    for split, n in (('train', 7), ('test', 3)):
        for i in range(n):
            if (split, i) != ('train', 4):
                (videos / split).mkdir(parents=True, exist_ok=True)
                (videos / split / f'clip_{i:04d}.mp4').touch()
    with pytest.raises(DataError) as exc:
        convert_mmfs63(str(skel), str(tmp_path / 'o.pkl'), str(videos))
    assert str(exc.value).startswith('2 of 10 annotated samples')
    assert 'train/clip_0004: video' in str(exc.value)
    assert "test/clip_0002: skeleton missing 'keypoint'" in str(exc.value)
    report = convert_mmfs63(str(skel), str(tmp_path / 'o.pkl'), str(videos),
                            skip_missing=True)
    assert report.counts == {'train': 6, 'test': 2}


def test_bad_inputs_are_named(tmp_path):
    skel = make_mmfs(tmp_path / 'mmfs', channels=4)
    with pytest.raises(DataError, match=r'train/clip_0000: skeleton keypoint '
                       r'has shape \(\d+, 17, 4, 1\)'):
        convert_mmfs63(str(skel), str(tmp_path / 'o.pkl'))
    skel = make_mmfs(tmp_path / 'ok')
    (skel / 'test_score.pkl').write_bytes(pickle.dumps([1.0]))
    with pytest.raises(DataError, match='lists of different lengths'):
        convert_mmfs63(str(skel), str(tmp_path / 'o.pkl'))
    (skel / 'test_score.pkl').write_bytes(pickle.dumps([1.0, None, 2.0]))
    with pytest.raises(DataError, match=r'test_score.pkl: item 1 is None'):
        convert_mmfs63(str(skel), str(tmp_path / 'o.pkl'))
    with pytest.raises(UserError, match='layout'):
        convert_mmfs63(str(skel), str(tmp_path / 'o.pkl'), layout='TVV')


def test_user_score_range(tmp_path):
    skel = make_mmfs(tmp_path / 'mmfs', labels=False)
    report = convert_mmfs63(str(skel), str(tmp_path / 'o.pkl'),
                            score_ranges={'figure_skating': (0.0, 6.0)})
    assert report.out_of_range
    with pytest.raises(UserError, match='unknown class'):
        convert_mmfs63(str(skel), str(tmp_path / 'o.pkl'),
                       score_ranges={'2A': (0.0, 6.0)})
