"""Every bad input of issue 8 in one place: each gets an error that names
the offending thing (sample, file, key, shape) or a documented recovery.

The real components run (AQADataset, the skeleton pipeline, VarianceMask,
VideoReader, DecordClips, tools/extract_pose's video list, the config
checks, tools/test.py); nothing is mocked. Where the behaviour is tested in
more depth elsewhere, the test is referenced."""
import pickle

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from aqa_mm.datasets import AQADataset
from aqa_mm.datasets.transforms.decord_clips import DecordClips
from aqa_mm.pose import collect_videos
from aqa_mm.pose.video_reader import VideoReader, VideoReadError
from aqa_mm.registry import MODELS
from aqa_mm.utils import DataError, UserError, merge_cfg_options
from aqa_mm.utils.checkpoint import check_checkpoint_matches
from aqa_mm.utils.cli import describe_error
from tests.conftest import make_annotations
from .conftest import BASE, run_tool, write_annotations, write_tiny_config


def _dataset(tmp_path, content, **kwargs):
    path = tmp_path / 'ann.pkl'
    path.write_bytes(pickle.dumps(content))
    return AQADataset(str(path), pipeline=kwargs.pop('pipeline', []),
                      split=kwargs.pop('split', 'train'), **kwargs)


# ------------------------------------------------------------ skeletons
@pytest.mark.parametrize('value', [np.nan, np.inf, -np.inf])
def test_nan_or_inf_keypoints_name_sample_and_position(tmp_path, value):
    content = make_annotations()
    content['annotations'][4]['keypoint'][0, 7, 3, 1] = value
    with pytest.raises(DataError, match=r'sample_004: keypoint has 1 NaN/inf '
                       r'values \(first: person 0, frame 7, joint 3\)'):
        _dataset(tmp_path, content)


def test_all_zero_skeleton_is_named(tmp_path):
    content = make_annotations()
    content['annotations'][2]['keypoint'][:] = 0
    with pytest.raises(DataError, match=r'sample_002: keypoint is all zeros'):
        _dataset(tmp_path, content)
    # zeros in some frames (person not found there) are normal and load
    content['annotations'][2]['keypoint'][0, 1:] = 1.0
    assert len(_dataset(tmp_path, content)) == 12


def test_t_shorter_than_clip_repeats_frames(tmp_path):
    """Recovery (mmaction2's UniformSampleFrames): a 5-frame sample is
    looped to the 64-frame clip of the synthetic config."""
    cfg = Config.fromfile(str(BASE))
    content = make_annotations(frames=5)
    ds = _dataset(tmp_path, content, split='test',
                  pipeline=cfg.test_dataloader.dataset.pipeline,
                  test_mode=True)
    x = ds[0]['inputs']  # (clips, M, T, V, C)
    assert x.shape == (1, 1, 64, 17, 3)
    torch.testing.assert_close(x[:, :, 5:], x[:, :, :59], rtol=0, atol=0)
    assert not torch.equal(x[:, :, 0], x[:, :, 1])


def test_t_shorter_than_variance_window_clips_the_window():
    """Recovery (VarianceMask): windows are clipped to [0, T-1]; more depth
    in tests/datasets/transforms/test_variance_mask.py."""
    from aqa_mm.datasets.transforms import VarianceMask
    kp = np.random.default_rng(0).normal(size=(1, 3, 17, 3))
    out = VarianceMask(mask_ratio=0.5, window=10)(
        dict(keypoint=kp.copy()))['keypoint']
    assert out.shape == kp.shape and np.isfinite(out).all()


def test_rgb_video_shorter_than_one_clip_is_named(tmp_path):
    from tests.pose.conftest import person_frames, write_video
    video = write_video(tmp_path / 'short.mp4', person_frames(3))
    with pytest.raises(DataError, match=r'short\.mp4: 3 frames, shorter '
                       'than one clip'):
        DecordClips(clip_len=16, num_clips=1)(dict(filename=str(video)))


def test_joint_count_mismatch_names_shape(tmp_path):
    content = make_annotations(num_joints=25)
    with pytest.raises(DataError, match=r'sample_000: keypoint has 25 joints, '
                       r'expected 17 \(shape \(1, 20, 25, 2\)\)'):
        _dataset(tmp_path, content)


# ---------------------------------------------------------- annotations
def test_empty_annotation_file(tmp_path):
    empty = tmp_path / 'empty.pkl'
    empty.write_bytes(b'')
    with pytest.raises(DataError, match=r'empty\.pkl: not a readable '
                       'annotation pickle'):
        AQADataset(str(empty), pipeline=[], split='train')
    with pytest.raises(DataError, match=r'ann\.pkl: no annotations'):
        _dataset(tmp_path, dict(split=dict(train=[]), annotations=[]))


def test_missing_score_field(tmp_path):
    content = make_annotations()
    del content['annotations'][3]['score']
    with pytest.raises(DataError, match=r"sample_003: missing 'score'"):
        _dataset(tmp_path, content)


# --------------------------------------------------------------- videos
@pytest.fixture
def truncated_video(real_data_dir, tmp_path):
    data = (real_data_dir / 'videos' / 'demo_skeleton.mp4').read_bytes()
    path = tmp_path / 'truncated.mp4'
    path.write_bytes(data[:len(data) // 2])
    return path


def test_truncated_video_is_named(truncated_video):
    with pytest.raises(VideoReadError, match=r'truncated\.mp4: not a '
                       'readable video'):
        VideoReader(str(truncated_video))
    with pytest.raises(DataError, match=r'truncated\.mp4: cannot open the '
                       'video'):
        DecordClips(clip_len=4)(dict(filename=str(truncated_video)))


def test_zero_frame_video_is_named(tmp_path):
    path = tmp_path / 'zero.mp4'
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), 25,
                             (64, 48))
    writer.release()  # a container with no frame
    with pytest.raises(VideoReadError, match=r'zero\.mp4: (not a readable '
                       'video|no frames decoded)'):
        list(VideoReader(str(path)))
    path.write_bytes(b'')
    with pytest.raises(VideoReadError, match=r'zero\.mp4: empty file'):
        VideoReader(str(path))


def test_file_that_is_not_a_video(tmp_path):
    text = tmp_path / 'notes.mp4'
    text.write_text('not a video')
    with pytest.raises(VideoReadError, match=r'notes\.mp4: not a readable'):
        VideoReader(str(text))
    blob = tmp_path / 'scores.bin'  # given to tools/extract_pose.py
    blob.write_bytes(b'\x80\xff')
    with pytest.raises(UserError, match=r'scores\.bin: neither a video list'):
        collect_videos(str(blob))
    # extract_pose records such files in failures.txt and goes on:
    # tests/tools/test_extract_pose.py::test_extract_merge_and_rerun


# ---------------------------------------------------- checkpoints/config
def _tiny_model(base_channels=8, num_stages=2):
    return MODELS.build(dict(
        type='SkeletonAssessor',
        backbone=dict(type='STGCN', graph_cfg=dict(layout='coco',
                                                   mode='stgcn_spatial'),
                      in_channels=3, base_channels=base_channels,
                      num_stages=num_stages, inflate_stages=(),
                      down_stages=()),
        head=dict(type='AQARegressionHead', in_channels=base_channels)))


def test_checkpoint_of_another_model_names_keys(tmp_path):
    other = tmp_path / 'other.pth'
    torch.save(dict(state_dict=_tiny_model(16, 3).state_dict()), other)
    with pytest.raises(UserError) as info:
        check_checkpoint_matches(_tiny_model(), str(other))
    msg = str(info.value)
    assert 'other.pth does not fit SkeletonAssessor' in msg
    assert 'missing keys []' in msg  # every key of the small model exists
    assert 'unexpected keys [backbone.gcn.2.gcn.PA' in msg
    assert 'backbone.gcn.0.gcn.bn.weight (16,) in the file vs (8,)' in msg
    torch.save(dict(state_dict={'fc.weight': torch.zeros(1)}), other)
    with pytest.raises(UserError, match=r'missing keys \[backbone\.'
                       r'.*unexpected keys \[fc\.weight\]'):
        check_checkpoint_matches(_tiny_model(), str(other))
    # StrictPretrained (init_cfg) does the same for pretrained weights:
    # tests/models/utils/test_strict_pretrained.py


@pytest.mark.slow
def test_tools_test_refuses_another_models_checkpoint(tmp_path, tiny_ann):
    config = write_tiny_config(tmp_path, tiny_ann)
    other = tmp_path / 'other.pth'
    torch.save(dict(state_dict={'backbone.fc.weight': torch.zeros(1)}),
               other)
    proc = run_tool(['tools/test.py', config, str(other), '--work-dir',
                     str(tmp_path / 'w')])
    assert proc.returncode == 2, proc.stderr[-2000:]
    err = [ln for ln in proc.stderr.splitlines()
           if ln.startswith('test.py: error: checkpoint')]
    assert len(err) == 1 and 'missing keys [backbone.data_bn' in err[0] \
        and 'unexpected keys [backbone.fc.weight]' in err[0], proc.stderr


def test_config_key_typos_are_named():
    cfg = Config.fromfile(str(BASE))
    with pytest.raises(UserError, match=r"unknown key 'model\.backbone\."
                       r"in_chanels'; did you mean model\.backbone\."
                       'in_channels'):
        merge_cfg_options(cfg, {'model.backbone.in_chanels': 3})
    # a typo inside a config file reaches the constructor
    model = cfg.model.to_dict()
    model['backbone']['base_channel'] = 32
    with pytest.raises((TypeError, AssertionError)) as info:
        MODELS.build(model)
    assert describe_error(info.value).startswith('config error')
    assert 'base_channel' in describe_error(info.value)
    # end to end (one-line errors of tools/train.py):
    # tests/tools/test_train_test_tools.py::test_typo_in_config_file_is_named
