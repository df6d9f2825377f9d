import csv
import json
import pickle

import numpy as np
import pytest

from aqa_mm.datasets import AQADataset
from aqa_mm.pose import (load_pose_dir, load_sample_table, merge_aqa,
                         merge_plain)
from aqa_mm.utils import DataError, atomic_pickle_dump

IDS = ['diving/001', 'diving/002', 'vault/001', 'vault/002']


def pose_record(frame_dir, frames=6):
    rng = np.random.default_rng(len(frame_dir) + frames)
    return dict(frame_dir=frame_dir, total_frames=frames,
                img_shape=(1080, 1920), original_shape=(1080, 1920),
                keypoint=rng.uniform(0, 1000, (1, frames, 17, 2)).astype(
                    np.float32),
                keypoint_score=np.ones((1, frames, 17), np.float32),
                boxes=np.zeros((1, frames, 4), np.float32))


@pytest.fixture
def pose_dir(tmp_path):
    for i, sid in enumerate(IDS):
        atomic_pickle_dump(pose_record(sid, 6 + i), tmp_path / 'poses' /
                           f'{sid}.pkl')
    (tmp_path / 'poses' / 'failures.txt').write_text('')
    return tmp_path / 'poses'


def table_rows():
    return [dict(frame_dir=sid, split='train' if sid.endswith('1') else
                 'test', score=50.0 + i, class_id=i // 2,
                 class_name=sid.split('/')[0], difficulty=3.0 if i < 2 else
                 None, video=f'{sid}.mp4') for i, sid in enumerate(IDS)]


def test_aqa_annotation_loads_in_aqadataset_and_posedataset(pose_dir,
                                                             tmp_path):
    from mmaction.datasets import PoseDataset
    table = tmp_path / 'samples.json'
    table.write_text(json.dumps(table_rows()))
    ann, missing = merge_aqa(load_pose_dir(str(pose_dir)),
                             load_sample_table(str(table)))
    assert missing == []
    path = tmp_path / 'ann.pkl'
    atomic_pickle_dump(ann, path)
    ds = AQADataset(str(path), pipeline=[], split='train')
    assert len(ds) == 2
    info = ds.get_data_info(0)
    assert info['frame_dir'] == 'diving/001' and info['score'] == 50.0
    assert info['keypoint'].shape == (1, 6, 17, 2)
    assert info['difficulty'] == 3.0 and info['video'] == 'diving/001.mp4'
    assert 'boxes' not in info
    assert ds.metainfo['classes'] == ['diving', 'vault']
    theirs = PoseDataset(str(path), pipeline=[], split='test')
    assert sorted(theirs.get_data_info(i)['frame_dir']
                  for i in range(len(theirs))) == ['diving/002', 'vault/002']


def test_csv_table_and_missing_poses(pose_dir, tmp_path):
    rows = table_rows() + [dict(frame_dir='vault/999', split='test',
                                score=1.0, class_id=1, class_name='vault',
                                difficulty='', video='')]
    table = tmp_path / 'samples.csv'
    with open(table, 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    samples = load_sample_table(str(table))
    assert samples[2]['difficulty'] is None and samples[0]['score'] == 50.0
    poses = load_pose_dir(str(pose_dir))
    with pytest.raises(DataError, match='1 sample.*vault/999'):
        merge_aqa(poses, samples)
    ann, missing = merge_aqa(poses, samples, allow_missing=True)
    assert missing == ['vault/999'] and len(ann['annotations']) == 4


def test_plain_annotation_loads_in_posedataset(pose_dir, tmp_path):
    from mmaction.datasets import PoseDataset
    ann = merge_plain(load_pose_dir(str(pose_dir)))
    assert ann['split'] == {'all': sorted(IDS)}
    path = tmp_path / 'plain.pkl'
    atomic_pickle_dump(ann, path)
    assert len(PoseDataset(str(path), pipeline=[], split='all')) == 4
    ann = merge_plain(load_pose_dir(str(pose_dir)),
                      dict(a=IDS[:1], b=IDS[1:]))
    assert ann['split'] == dict(a=IDS[:1], b=IDS[1:])
    with pytest.raises(DataError, match='no pose file: x/y'):
        merge_plain(load_pose_dir(str(pose_dir)), dict(a=['x/y']))


def test_bad_inputs_are_named(pose_dir, tmp_path):
    bad = pose_dir / 'broken.pkl'
    bad.write_bytes(b'not a pickle')
    with pytest.raises(DataError, match='broken.pkl'):
        load_pose_dir(str(pose_dir))
    bad.write_bytes(pickle.dumps(dict(frame_dir='x')))
    with pytest.raises(DataError, match='broken.pkl.*missing'):
        load_pose_dir(str(pose_dir))
    rec = pose_record('x')
    rec['total_frames'] = 99
    bad.write_bytes(pickle.dumps(rec))
    with pytest.raises(DataError, match='broken.pkl: inconsistent'):
        load_pose_dir(str(pose_dir))
    table = tmp_path / 't.json'
    table.write_text(json.dumps([dict(frame_dir='a', split='train')]))
    with pytest.raises(DataError, match="t.json entry 0: missing 'score'"):
        load_sample_table(str(table))
    (tmp_path / 'empty_dir').mkdir()
    with pytest.raises(DataError, match='no pose files'):
        load_pose_dir(str(tmp_path / 'empty_dir'))


def test_merged_file_next_to_poses_is_skipped(pose_dir):
    atomic_pickle_dump(merge_plain(load_pose_dir(str(pose_dir))),
                       pose_dir / 'ann.pkl')
    assert sorted(load_pose_dir(str(pose_dir))) == sorted(IDS)
