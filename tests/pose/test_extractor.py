import cv2
import numpy as np
import pytest

from aqa_mm.pose import BatchedTopdown, NoPersonError, PoseExtractor
from aqa_mm.pose.person_tracker import box_iou
from tests.pose.conftest import StubEstimator


def _decoded(path) -> int:
    cap, n = cv2.VideoCapture(str(path)), 0
    while cap.read()[0]:
        n += 1
    return n


def _check_format(rec, frames, shape):
    assert set(rec) == {'frame_dir', 'total_frames', 'img_shape',
                        'original_shape', 'keypoint', 'keypoint_score',
                        'boxes', 'track_state', 'track_angle'}
    assert rec['track_state'].shape == rec['track_angle'].shape == (1, frames)
    assert rec['track_state'].dtype == np.uint8
    assert rec['track_angle'].dtype == np.int16
    assert rec['total_frames'] == frames
    assert rec['img_shape'] == rec['original_shape'] == shape
    assert rec['keypoint'].shape == (1, frames, 17, 2)
    assert rec['keypoint_score'].shape == (1, frames, 17)
    assert rec['boxes'].shape == (1, frames, 4)
    for key in ('keypoint', 'keypoint_score', 'boxes'):
        assert rec[key].dtype == np.float32


def test_real_video_with_hrnet(hrnet, real_video):
    """Real 1920x1080 video, random weights, first 4 frames."""
    extractor = PoseExtractor(BatchedTopdown(hrnet, 2, fast=False),
                              batch_size=2, min_person_score=0,
                              whole_frame=True)
    rec = extractor.extract(real_video, 'demo', max_frames=4)
    _check_format(rec, 4, (1080, 1920))
    assert rec['frame_dir'] == 'demo'
    assert (rec['keypoint_score'] > 0).all()
    np.testing.assert_array_equal(rec['boxes'][0, 0], [0, 0, 1920, 1080])


def test_every_frame_kept_blank_ones_zero(make_video):
    path = make_video('v.mp4', num=11, blank_at=(3, 4, 10))
    stub = StubEstimator()
    rec = PoseExtractor(stub, batch_size=4, whole_frame=True).extract(
        str(path), 'v')
    _check_format(rec, 11, (64, 96))
    assert rec['total_frames'] == _decoded(path)
    blank = [3, 4, 10]
    assert not rec['keypoint'][0, blank].any()
    assert not rec['keypoint_score'][0, blank].any()
    assert not rec['boxes'][0, blank].any()
    assert (rec['keypoint_score'][0, [0, 5, 9]] == 0.9).all()
    assert len(stub.boxes) == 8  # blank frames never reach the model


def test_nobody_found_gives_a_zero_box_and_each_video_resets(make_video):
    """An estimator that finds nobody (scores 0, like BlazePose on an empty
    crop) leaves zeros; the estimator is reset before every video."""
    stub = StubEstimator(score=0.0)
    extractor = PoseExtractor(stub, batch_size=1, min_person_score=-1)
    path = str(make_video('v.mp4', num=3))
    rec = extractor.extract(path, 'v')
    assert not rec['track_state'].any()  # lost in every frame
    assert not rec['boxes'].any() and not rec['keypoint_score'].any()
    assert not rec['keypoint'].any()
    extractor.extract(path, 'v')
    assert stub.resets == 2


def test_blank_video_has_no_person(make_video):
    path = make_video('blank.mp4', num=5, all_blank=True)
    with pytest.raises(NoPersonError, match='no person') as info:
        PoseExtractor(StubEstimator(), min_person_score=0).extract(
            str(path), 'blank')
    assert str(path) in str(info.value)


def test_low_scores_mean_no_person(make_video):
    path = str(make_video('v.mp4', num=3))
    with pytest.raises(NoPersonError, match='min_person_score 0.3'):
        PoseExtractor(StubEstimator(score=0.2), whole_frame=True).extract(
            path, 'v')
    rec = PoseExtractor(StubEstimator(score=0.2), min_person_score=0.1,
                        whole_frame=True).extract(path, 'v')
    assert rec['total_frames'] == 3


def test_with_a_detector_the_athlete_is_tracked(make_video):
    """Frames without a matching detection get zeros; the judge is never
    chosen once the athlete is tracked."""
    athlete = np.array([10, 10, 40, 60, 0.8], np.float32)
    judge = np.array([70, 0, 95, 30, 0.99], np.float32)
    plan = [[athlete, judge], [judge], [athlete + [2, 0, 2, 0, 0], judge],
            [athlete, judge], [], [athlete]]

    def detector(frames):
        return [np.array(plan.pop(0), np.float32).reshape(-1, 5)
                for _ in frames]

    rec = PoseExtractor(StubEstimator(), detector, batch_size=3,
                        min_person_score=0).extract(
        str(make_video('v.mp4', num=6)), 'v')
    boxes, scores = rec['boxes'][0], rec['keypoint_score'][0]
    assert not scores[[1, 4]].any() and not boxes[[1, 4]].any()
    for t in (0, 2, 3, 5):
        assert box_iou(boxes[t], athlete[None, :4])[0] > 0.8


def test_overlay_video(make_video, tmp_path):
    out = tmp_path / 'vis' / 'v.mp4'
    PoseExtractor(StubEstimator(), batch_size=4).extract(
        str(make_video('v.mp4', num=6)), 'v', vis_path=str(out))
    assert _decoded(out) == 6
    assert not list(out.parent.glob('.*tmp*'))


def test_failure_mid_video_leaves_no_overlay(make_video, tmp_path):
    out = tmp_path / 'vis' / 'v.mp4'
    with pytest.raises(RuntimeError, match='stub failure'):
        PoseExtractor(StubEstimator(fail_after=1), batch_size=2,
                      whole_frame=True).extract(
            str(make_video('v.mp4', num=6)), 'v', vis_path=str(out))
    assert list(out.parent.iterdir()) == []


def test_hrnet_in_the_boxes_the_blazepose_search_finds(hrnet, real_video):
    """The HRNet path without mmdet: BlazePose's search finds the athlete
    (the man in black, right of centre) and HRNet (random weights here)
    estimates in his box, not in the whole frame."""
    from aqa_mm.pose import BlazePoseEstimator, PoseSearch
    extractor = PoseExtractor(BatchedTopdown(hrnet, 2, fast=False),
                              finder=PoseSearch(BlazePoseEstimator()),
                              batch_size=2, min_person_score=0)
    rec = extractor.extract(real_video, 'demo', max_frames=4)
    _check_format(rec, 4, (1080, 1920))
    assert (rec['track_state'][0] > 0).all()
    boxes = rec['boxes'][0]
    assert (boxes[:, 0] > 800).all()
    assert (boxes[:, 2] - boxes[:, 0] < 600).all()
    # HRNet's keypoints lie in its input region for that box (the box,
    # widened to 3:4 and padded by 1.25, as mmpose does), not anywhere in
    # the 1920-wide frame
    kpts = rec['keypoint'][0]
    centre = (boxes[:, :2] + boxes[:, 2:]) / 2  # (T, 2)
    height = boxes[:, 3] - boxes[:, 1]
    reach = np.stack([0.75 * 1.25 * height / 2, 1.25 * height / 2], -1)
    assert (np.abs(kpts - centre[:, None]) <= reach[:, None] + 2).all()
