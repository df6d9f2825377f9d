"""aqa_mm.apis.inference: init_aqa_model + inference_aqa on the three
assessor types, with real (tiny) videos and pose records, and bad input."""
import copy
import pickle

import numpy as np
import pytest
import torch

from aqa_mm.apis import format_result, inference_aqa, init_aqa_model
from aqa_mm.utils import UserError
from mmengine.config import Config
from tests.conftest import rgb_pipeline, skeleton_pipeline, two_stream_pipeline

SKELETON = dict(type='SMEGCN', graph_cfg=dict(layout='coco', mode='spatial'),
                in_channels=3, num_person=1, base_channels=8, out_channels=16)
SKELETON_PIPE = skeleton_pipeline()
RGB_PIPE = rgb_pipeline(40, 32)
TWO_PIPE = two_stream_pipeline(SKELETON_PIPE, RGB_PIPE)
TWO_STREAM = dict(
    type='TwoStreamAssessor', skeleton_backbone=SKELETON,
    rgb_backbone=dict(type='I3D', num_classes=None),
    head=dict(type='PFMHead', skeleton_channels=16, rgb_channels=1024,
              score_mean=40, score_std=20))


def cfg_of(model, pipeline):
    return Config(dict(model=model, test_dataloader=dict(
        dataset=dict(type='AQADataset', pipeline=pipeline))))


@pytest.fixture(scope='module')
def sample(tmp_path_factory):
    """A 24-frame 48x64 video and its pose record (keypoints in pixels)."""
    from tests.pose.conftest import person_frames, write_video
    root = tmp_path_factory.mktemp('infer')
    video = write_video(root / 'clip.mp4', person_frames(24, size=(48, 64)))
    rng = np.random.default_rng(0)
    kp = rng.uniform(0, 48, (1, 24, 17, 2)).astype(np.float32)
    record = dict(frame_dir='clip', total_frames=24, img_shape=(48, 64),
                  keypoint=kp, keypoint_score=np.ones((1, 24, 17), np.float32))
    pose = root / 'clip.pkl'
    pose.write_bytes(pickle.dumps(record))
    return dict(root=root, video=str(video), record=record, pose=str(pose))


@pytest.fixture(scope='module')
def two_stream(tmp_path_factory):
    """A random-weight 2M-AF and its saved checkpoint."""
    torch.set_num_threads(1)
    model = init_aqa_model(cfg_of(TWO_STREAM, TWO_PIPE))
    ckpt = tmp_path_factory.mktemp('ckpt') / 'two.pth'
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    return model, str(ckpt)


def test_two_stream_result_matches_the_model_outputs(two_stream, sample):
    model, ckpt = two_stream
    result = inference_aqa(model, dict(sample['record'],
                                       video=sample['video']))
    assert set(result) == {'score', 'stream_scores', 'stream', 'prob_rgb',
                           'score_scale'}
    assert set(result['stream_scores']) == {'skeleton', 'rgb'}
    assert result['stream'] in ('skeleton', 'rgb')
    # hard fusion: the final score is the chosen stream's, and the choice
    # agrees with the selector's probability
    assert result['score'] == result['stream_scores'][result['stream']]
    assert (result['stream'] == 'rgb') == (result['prob_rgb'] > 0.5)
    # the same model rebuilt from the checkpoint (other seed) scores the same
    again = init_aqa_model(cfg_of(TWO_STREAM, TWO_PIPE), ckpt, seed=5)
    result2 = inference_aqa(again, dict(sample['record'],
                                        video=sample['video']))
    assert result2['score'] == pytest.approx(result['score'], rel=1e-5)
    assert again.cfg.model.type == 'TwoStreamAssessor'


def test_head_only_checkpoint_keeps_init_backbones(two_stream, sample,
                                                   tmp_path):
    """A cached-config checkpoint (head keys only) loads into the end-to-end
    model; a checkpoint of another model is refused with its keys."""
    model, _ = two_stream
    head = {k: v for k, v in model.state_dict().items()
            if k.startswith('head.')}
    path = tmp_path / 'head.pth'
    torch.save(dict(state_dict=head), path)
    with pytest.warns(UserWarning, match='no weights for'):
        loaded = init_aqa_model(cfg_of(TWO_STREAM, TWO_PIPE), str(path))
    torch.testing.assert_close(loaded.head.fc_rgb.weight,
                               model.head.fc_rgb.weight)
    bad = tmp_path / 'bad.pth'
    torch.save(dict(state_dict={'backbone.x': torch.zeros(1)}), bad)
    with pytest.raises(UserError, match=r'bad\.pth does not fit'):
        init_aqa_model(cfg_of(TWO_STREAM, TWO_PIPE), str(bad))
    with pytest.raises(UserError, match='checkpoint not found'):
        init_aqa_model(cfg_of(TWO_STREAM, TWO_PIPE), str(tmp_path / 'no'))


def test_skeleton_model_scores_a_pose_pickle(sample):
    model = init_aqa_model(cfg_of(
        dict(type='SkeletonAssessor', backbone=SKELETON,
             head=dict(type='AQARegressionHead', in_channels=16,
                       score_mean=40, score_std=20)),
        SKELETON_PIPE + [dict(type='PackAQAInputs')]))
    result = inference_aqa(model, sample['pose'])
    assert result['stream'] == 'skeleton' and result['prob_rgb'] is None
    assert result['stream_scores'] == {'skeleton': result['score']}
    # the pipeline normalises with img_shape: another image size gives
    # another score, so img_shape is really used
    moved = dict(sample['record'], img_shape=(480, 640))
    before = sample['record']['keypoint'].copy()
    assert inference_aqa(model, moved)['score'] != pytest.approx(
        result['score'])
    # the caller's arrays are left as they were (the pipeline works in place)
    np.testing.assert_array_equal(sample['record']['keypoint'], before)
    with pytest.raises(UserError, match=r'clip\.mp4: no skeleton'):
        inference_aqa(model, sample['video'])


def test_normalised_scores_map_back_to_each_class_range(sample, tmp_path):
    """A model trained with NormalizeScore predicts in [0, 100]; the class's
    training range maps the prediction back to judges' scores."""
    model_cfg = dict(type='SkeletonAssessor', backbone=SKELETON,
                     head=dict(type='AQARegressionHead', in_channels=16,
                               score_mean=40, score_std=20))
    cfg = cfg_of(model_cfg, SKELETON_PIPE + [dict(type='PackAQAInputs')])
    plain = inference_aqa(init_aqa_model(cfg), sample['pose'])
    assert plain['score_scale'] == 'judges'
    assert 'normalized_score' not in plain
    ranges = {0: (20.0, 100.0), 3: (40.0, 60.0)}
    cfg.train_dataloader = dict(dataset=dict(
        type='RepeatDataset',
        dataset=dict(pipeline=[dict(type='NormalizeScore', ranges=ranges)])))
    model = init_aqa_model(cfg)
    raw = inference_aqa(model, sample['pose'])
    assert raw['score_scale'] == 'normalized [0, 100]'
    assert raw['score'] == pytest.approx(plain['score'])
    assert 'pass the class' in format_result(raw)
    for cls, (lo, hi) in ranges.items():
        res = inference_aqa(model, sample['pose'], class_id=cls)
        want = lo + raw['normalized_score'] / 100 * (hi - lo)
        assert res['score'] == pytest.approx(want)
        assert res['stream_scores'] == {'skeleton': res['score']}
        assert res['score_scale'] == 'judges'
    # the class can come with the sample
    res = inference_aqa(model, dict(sample['record'], class_id=3))
    assert res['score'] == pytest.approx(40 + raw['score'] / 100 * 20)
    with pytest.raises(UserError, match=r'class_id 7 .*\[0, 3\]'):
        inference_aqa(model, sample['pose'], class_id=7)
    cfg.train_dataloader.dataset.dataset.pipeline = [dict(
        type='NormalizeScore', ann_file=str(tmp_path / 'train_ann.pkl'))]
    with pytest.raises(UserError, match=r'train_ann\.pkl'):
        inference_aqa(init_aqa_model(cfg), sample['pose'])


def test_rgb_model_scores_a_video_and_names_bad_files(sample, tmp_path):
    model = init_aqa_model(cfg_of(
        dict(type='RGBAssessor', backbone=dict(type='I3D', num_classes=None),
             head=dict(type='AQARegressionHead', in_channels=1024,
                       score_mean=40, score_std=20)),
        RGB_PIPE + [dict(type='PackAQAInputs')]))
    result = inference_aqa(model, sample['video'])
    assert result['stream'] == 'rgb'
    assert np.isfinite(result['score'])
    corrupt = tmp_path / 'corrupt.mp4'
    corrupt.write_bytes(np.random.default_rng(1).bytes(500))
    from aqa_mm.utils.cli import DataError
    with pytest.raises(DataError, match='corrupt.mp4'):
        inference_aqa(model, str(corrupt))
    with pytest.raises(UserError, match='missing.mp4: file not found'):
        inference_aqa(model, str(tmp_path / 'missing.mp4'))


def test_bad_skeletons_and_cached_configs_are_named(two_stream, sample,
                                                    tmp_path):
    model, _ = two_stream
    rec = dict(sample['record'], video=sample['video'], frame_dir='s1')
    with pytest.raises(UserError, match=r"'keypoint' must be \(M, T, V, 2\)"):
        inference_aqa(model, dict(rec, keypoint=rec['keypoint'][0]))
    no_score = {k: v for k, v in rec.items() if k != 'keypoint_score'}
    with pytest.raises(UserError, match="no 'keypoint_score'"):
        inference_aqa(model, no_score)
    broken = tmp_path / 'broken.pkl'
    broken.write_bytes(b'not a pickle')
    with pytest.raises(UserError, match='broken.pkl: cannot read'):
        inference_aqa(model, str(broken))
    with pytest.raises(UserError, match=r'clip\.pkl: no video'):
        inference_aqa(model, sample['pose'])
    cached = cfg_of(dict(TWO_STREAM, rgb_backbone=None,
                         skeleton_backbone=None),
                    [dict(type='LoadAQAFeatures'),
                     dict(type='PackAQAInputs')])
    with pytest.raises(UserError, match='cached features'):
        init_aqa_model(cached)
