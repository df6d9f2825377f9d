"""Batched results equal mmpose's per-image ``inference_topdown``."""
import numpy as np
import pytest
from mmengine.registry import DefaultScope

from aqa_mm.pose import BatchedTopdown, VideoReader, init_pose_model


@pytest.fixture(scope='module')
def frames_and_boxes(real_video):
    frames = next(iter(VideoReader(real_video, batch_size=2)))
    boxes = np.array([[0, 0, 1920, 1080], [700, 100, 1300, 1000],
                      [760, 150, 1250, 1050]], np.float32)
    return [frames[0], frames[1], frames[1]], boxes


def reference(model, frames, boxes):
    from mmpose.apis import inference_topdown
    kpts, scores = [], []
    with DefaultScope.overwrite_default_scope('mmpose'):
        for frame, box in zip(frames, boxes):
            inst = inference_topdown(model, frame, box[None])[0].pred_instances
            kpts.append(inst.keypoints[0])
            scores.append(inst.keypoint_scores[0])
    return np.stack(kpts), np.stack(scores)


@pytest.fixture(scope='module')
def expected(hrnet, frames_and_boxes):
    return reference(hrnet, *frames_and_boxes)


def test_exact_mode_equals_inference_topdown(hrnet, frames_and_boxes,
                                             expected):
    kpts, scores = BatchedTopdown(hrnet, batch_size=2, fast=False)(
        *frames_and_boxes)
    assert kpts.shape == (3, 17, 2) and scores.shape == (3, 17)
    assert kpts.dtype == np.float32 and scores.dtype == np.float32
    np.testing.assert_allclose(scores, expected[1], atol=1e-5)
    np.testing.assert_allclose(kpts, expected[0], atol=1e-2)


def test_fast_mode_matches_inference_topdown(frames_and_boxes, expected):
    model = init_pose_model(random_weights=True)  # same seed as `hrnet`
    kpts, scores = BatchedTopdown(model, batch_size=3, fast=True)(
        *frames_and_boxes)
    np.testing.assert_allclose(scores, expected[1], atol=1e-4)
    # random weights give nearly flat heatmaps: float rounding may move the
    # argmax of a few joints between near-equal maxima, never the scores
    same = np.abs(kpts - expected[0]).max(-1) < 1e-2  # (3, 17)
    assert same.mean() >= 0.8, same


def test_default_scope_is_left_alone(hrnet):
    before = DefaultScope.get_current_instance()
    BatchedTopdown(hrnet, fast=False)
    init_pose_model(random_weights=True)
    after = DefaultScope.get_current_instance()
    assert (before and before.scope_name) == (after and after.scope_name)


def test_rejects_non_topdown_models():
    import torch
    with pytest.raises(ValueError, match='top-down'):
        BatchedTopdown(torch.nn.Linear(2, 2))


def test_frames_and_boxes_must_pair(hrnet, frames_and_boxes):
    frames, boxes = frames_and_boxes
    with pytest.raises(ValueError, match='3 frames but 2 boxes'):
        BatchedTopdown(hrnet, fast=False)(frames, boxes[:2])
