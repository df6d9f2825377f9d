import pickle

import numpy as np
import pytest

from aqa_mm.datasets import AQADataset
from aqa_mm.utils import DataError
from tests.conftest import make_annotations

PIPELINE = [dict(type='PackAQAInputs')]


def _write(tmp_path, content):
    path = tmp_path / 'ann.pkl'
    path.write_bytes(pickle.dumps(content))
    return str(path)


def test_loads_split_and_ranges_come_from_train(tiny_ann):
    ds = AQADataset(tiny_ann, pipeline=[], split='test')
    assert len(ds) == 6
    content = pickle.load(open(tiny_ann, 'rb'))
    train = set(content['split']['train'])
    train_scores = [a['score'] for a in content['annotations']
                    if a['frame_dir'] in train and a['class_id'] == 1]
    assert ds.metainfo['score_ranges'][1] == (min(train_scores),
                                             max(train_scores))
    assert ds.metainfo['classes'] == ['vault', 'dive']
    assert isinstance(ds[0]['score'], float)


def test_class_filter(tiny_ann):
    ds = AQADataset(tiny_ann, pipeline=[], split='train', class_ids=[1])
    assert len(ds) == 6
    assert all(ds.get_data_info(i)['class_id'] == 1 for i in range(len(ds)))


def test_missing_file():
    with pytest.raises(FileNotFoundError, match='nowhere.pkl'):
        AQADataset('nowhere.pkl', pipeline=[], split='train')


def test_empty_annotation_file(tmp_path):
    with pytest.raises(DataError, match='no annotations'):
        AQADataset(_write(tmp_path, dict(split={}, annotations=[])),
                   pipeline=[], split='train')


def test_not_a_pickle(tmp_path):
    path = tmp_path / 'ann.pkl'
    path.write_text('hello')
    with pytest.raises(DataError, match='not a readable'):
        AQADataset(str(path), pipeline=[], split='train')


def test_unknown_split_lists_available(tiny_ann):
    with pytest.raises(DataError, match=r"'val'.*\['test', 'train'\]"):
        AQADataset(tiny_ann, pipeline=[], split='val')


def test_missing_score_names_sample(tmp_path):
    content = make_annotations()
    del content['annotations'][3]['score']
    with pytest.raises(DataError, match="sample_003: missing 'score'"):
        AQADataset(_write(tmp_path, content), pipeline=[], split='train')


def test_nan_score(tmp_path):
    content = make_annotations()
    content['annotations'][0]['score'] = float('nan')
    with pytest.raises(DataError, match='sample_000: score is not a finite'):
        AQADataset(_write(tmp_path, content), pipeline=[], split='train')


def test_wrong_joint_count_names_sample_and_shape(tmp_path):
    content = make_annotations(num_joints=25)
    with pytest.raises(DataError,
                       match=r'12 bad.*sample_000: keypoint has 25 joints, '
                       r'expected 17 \(shape \(1, 20, 25, 2\)\)'):
        AQADataset(_write(tmp_path, content), pipeline=[], split='train')


def test_missing_video_for_rgb(tiny_ann):
    with pytest.raises(DataError, match="missing 'video'"):
        AQADataset(tiny_ann, pipeline=[], split='train', modality='RGB')


def test_pipeline_packs_float_score(tiny_ann):
    ds = AQADataset(tiny_ann, pipeline=[
        dict(type='UniformSampleFrames', clip_len=8, num_clips=1,
             test_mode=True),
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=1),
        dict(type='PackAQAInputs')], split='train')
    out = ds[0]
    # FormatGCNInput appends keypoint_score as the third channel
    assert tuple(out['inputs'].shape) == (1, 1, 8, 17, 3)
    sample = out['data_samples']
    assert sample.gt_score.dtype.is_floating_point
    assert float(sample.gt_score) == pytest.approx(
        ds.get_data_info(0)['score'])
    assert int(sample.class_id) == ds.get_data_info(0)['class_id']
    assert sample.metainfo['frame_dir'] == 'sample_000'


@pytest.fixture(scope='module')
def small_synthetic(tmp_path_factory):
    from aqa_mm.datasets.synthetic.builder import build_dataset
    out = tmp_path_factory.mktemp('syn')
    build_dataset(str(out), seed=1, num_per_class=4, frames=16, img_size=64,
                  workers=1)
    return out


def test_synthetic_set_loads_for_rgb_and_pose(small_synthetic):
    ds = AQADataset(str(small_synthetic / 'synthetic_aqa.pkl'), pipeline=[],
                    split='train', modality='RGBPose',
                    data_prefix=dict(video=str(small_synthetic)))
    info = ds.get_data_info(0)
    assert info['filename'].startswith(str(small_synthetic))
    assert info['filename'].endswith('.mp4')


def test_same_file_loads_in_mmaction_pose_dataset(small_synthetic):
    from mmaction.datasets import PoseDataset
    ann = str(small_synthetic / 'synthetic_aqa.pkl')
    ours = AQADataset(ann, pipeline=[], split='test')
    theirs = PoseDataset(ann, pipeline=[], split='test')
    assert len(theirs) == len(ours) > 0


def test_missing_video_is_named(small_synthetic, tmp_path):
    with pytest.raises(DataError, match=r'video not found: .*\.mp4'):
        AQADataset(str(small_synthetic / 'synthetic_aqa.pkl'), pipeline=[],
                   split='train', modality='RGB',
                   data_prefix=dict(video=str(tmp_path)))


# ------------------------------------------------ label_subset (regimes)
