import numpy as np
import pytest

from aqa_mm.pose import DetectionTracker, PoseBoxTracker
from aqa_mm.pose.person_tracker import box_iou, is_blank, whole_frame_box


def det(*boxes):
    return np.array(boxes, np.float32).reshape(-1, 5)


def test_box_iou():
    others = np.array([[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]])
    ious = box_iou(np.array([0, 0, 10, 10.]), others)
    np.testing.assert_allclose(ious, [1, 50 / 150, 0])


def test_starts_with_the_largest_person():
    tracker = DetectionTracker()
    judge = [0, 0, 20, 40, 0.99]       # confident but small
    athlete = [100, 50, 160, 200, 0.7]  # largest
    np.testing.assert_array_equal(tracker.select(det(judge, athlete)),
                                  athlete[:4])


def test_follows_by_iou_not_by_size_or_score():
    tracker = DetectionTracker(iou_thr=0.3)
    tracker.select(det([100, 50, 160, 200, 0.8]))
    moved = [110, 60, 170, 210, 0.5]
    bigger_elsewhere = [300, 0, 500, 400, 0.99]
    np.testing.assert_array_equal(
        tracker.select(det(bigger_elsewhere, moved)), moved[:4])


def test_miss_keeps_frame_empty_then_restarts_after_max_lost():
    tracker = DetectionTracker(iou_thr=0.3, max_lost=2)
    tracker.select(det([100, 50, 160, 200, 0.8]))
    other = [300, 0, 400, 200, 0.9]
    assert tracker.select(det()) is None            # no detection
    assert tracker.select(det(other)) is None       # no overlap: miss 2
    np.testing.assert_array_equal(tracker.select(det(other)), other[:4])


def test_reappearing_athlete_is_picked_up_within_max_lost():
    tracker = DetectionTracker(max_lost=5)
    athlete = [100, 50, 160, 200, 0.8]
    tracker.select(det(athlete))
    assert tracker.select(det()) is None
    np.testing.assert_array_equal(
        tracker.select(det([0, 0, 400, 400, 0.9], athlete)), athlete[:4])


def test_pose_box_fallback():
    tracker = PoseBoxTracker((100, 200), kpt_thr=0.3, min_keypoints=3,
                             margin=0.25)
    np.testing.assert_array_equal(tracker.propose(), [0, 0, 200, 100])
    kpts = np.array([[40, 20], [80, 60], [60, 40], [199, 99]], np.float32)
    scores = np.array([0.9, 0.9, 0.5, 0.1], np.float32)  # last is ignored
    tracker.observe(kpts, scores)
    np.testing.assert_allclose(tracker.propose(), [30, 10, 90, 70])
    tracker.observe(kpts, np.array([0.9, 0.9, 0.1, 0.1]))  # 2 < 3: lost
    np.testing.assert_array_equal(tracker.propose(), whole_frame_box((100,
                                                                       200)))


def test_pose_box_is_clipped_to_the_frame():
    tracker = PoseBoxTracker((100, 200), margin=0.5)
    tracker.observe(np.array([[0, 0], [190, 90], [100, 50]], np.float32),
                    np.ones(3, np.float32))
    np.testing.assert_allclose(tracker.propose(), [0, 0, 200, 100])


@pytest.mark.parametrize('value,blank', [(0, True), (128, True)])
def test_uniform_frames_are_blank(value, blank):
    assert is_blank(np.full((64, 64, 3), value, np.uint8)) is blank


def test_textured_frame_is_not_blank():
    rng = np.random.default_rng(0)
    assert not is_blank(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8))


def test_pose_box_patience_keeps_the_last_box_then_the_whole_frame():
    tracker = PoseBoxTracker((100, 200), margin=0.25, lost_patience=2)
    kpts = np.array([[40, 20], [80, 60], [60, 40]], np.float32)
    tracker.observe(kpts, np.ones(3, np.float32))
    box = tracker.propose()
    np.testing.assert_allclose(box, [30, 10, 90, 70])
    for _ in range(2):  # lost, but still searched where it was
        tracker.observe(kpts, np.zeros(3, np.float32))
        np.testing.assert_array_equal(tracker.propose(), box)
    tracker.observe(kpts, np.zeros(3, np.float32))  # 3rd miss: give up
    np.testing.assert_array_equal(tracker.propose(), [0, 0, 200, 100])
    tracker.observe(kpts + 10, np.ones(3, np.float32))  # found again
    np.testing.assert_allclose(tracker.propose(), [40, 20, 100, 80])
