"""The identity rule of AthleteTracker: acquisition, prediction, the gate
(position and size), lost frames, and the choice among detections."""
import numpy as np
import pytest

from aqa_mm.pose.athlete_tracker import (LOST, REACQUIRED, TRACKED,
                                         AthleteTracker, pose_extent)


def det(*boxes):
    return np.array(boxes, np.float32).reshape(-1, 5)


def moving_athlete(tracker, frames=4, x0=100.0, step=10.0, size=50.0):
    """Feed an athlete moving right by ``step`` px a frame at y = 200."""
    for t in range(frames):
        tracker.update(np.array([x0 + step * t, 200.0]), size, t)


def test_first_person_is_acquired_anywhere():
    tracker = AthleteTracker((480, 640))
    np.testing.assert_array_equal(tracker.region(0), [0, 0, 640, 480])
    assert tracker.accepts(np.array([600.0, 20.0]), 5.0, 0)
    assert tracker.update(np.array([600.0, 20.0]), 5.0, 0) == REACQUIRED


def test_prediction_follows_the_velocity():
    tracker = AthleteTracker((480, 640), smoothing=0.5)
    moving_athlete(tracker)  # last at x = 130, 10 px a frame
    np.testing.assert_allclose(tracker.predict(4), [140, 200])
    np.testing.assert_allclose(tracker.predict(6), [160, 200])
    # extrapolated for at most max_extrapolate (5) frames
    np.testing.assert_allclose(tracker.predict(100), [180, 200])


def test_a_person_far_from_the_prediction_is_refused_however_long():
    tracker = AthleteTracker((480, 640))
    moving_athlete(tracker)
    judge = np.array([500.0, 200.0])  # 7 body sizes away, same size
    for t in range(4, 200):
        assert not tracker.accepts(judge, 50.0, t)
        assert tracker.miss() == LOST
    # the radius stops growing at max_gate (1) body size
    assert tracker.radius(199) == pytest.approx(50.0)
    region = tracker.region(199)
    assert region[2] < 500  # the judge is not even searched


def test_size_gate():
    tracker = AthleteTracker((480, 640))
    moving_athlete(tracker)
    at = tracker.predict(4)
    assert tracker.accepts(at, 50.0, 4)
    assert tracker.accepts(at, 26.0, 4)  # a tuck: half the size
    assert not tracker.accepts(at, 20.0, 4)  # a small figure behind
    assert not tracker.accepts(at, 120.0, 4)  # someone much closer


def test_states_tracked_lost_reacquired():
    tracker = AthleteTracker((480, 640))
    moving_athlete(tracker, frames=2)
    assert tracker.update(np.array([120.0, 200.0]), 50.0, 2) == TRACKED
    tracker.miss()
    assert tracker.lost_run == 1
    assert tracker.accepts(tracker.predict(4), 50.0, 4)
    assert tracker.update(tracker.predict(4), 50.0, 4) == REACQUIRED
    assert tracker.lost_run == 0


def test_search_region_is_the_gate_plus_a_margin_and_clipped():
    tracker = AthleteTracker((480, 640))
    moving_athlete(tracker)
    # gap 1: radius 0.75 * 50 + 0.75 * 50 = 75 around (140, 200)
    np.testing.assert_allclose(tracker.region(4), [65, 125, 215, 275])
    tracker.centre = np.array([700.0, 200.0])  # left the frame
    tracker.velocity = np.array([20.0, 0.0])
    region = tracker.region(5)
    assert region[2] - region[0] == 0  # nothing left to search


def test_detections_start_with_the_largest_then_follow_the_prediction():
    tracker = AthleteTracker((480, 640))
    judge = [0, 0, 20, 40, 0.99]  # confident but small
    athlete = [100, 100, 160, 220, 0.6]
    box, state = tracker.select(det(judge, athlete), 0)
    np.testing.assert_array_equal(box, athlete[:4])
    assert state == REACQUIRED
    # next frame: the athlete moved a little, a bigger person appears far
    crowd = [400, 50, 600, 450, 0.95]
    box, state = tracker.select(det(crowd, [110, 100, 170, 220, 0.5]), 1)
    np.testing.assert_array_equal(box, [110, 100, 170, 220])
    assert state == TRACKED
    # the athlete is gone: the crowd is never taken
    for t in range(2, 60):
        box, state = tracker.select(det(crowd, judge), t)
        assert box is None and state == LOST
    # he comes back where he left: re-acquired
    box, state = tracker.select(det(crowd, [115, 100, 175, 220, 0.7]), 60)
    np.testing.assert_array_equal(box, [115, 100, 175, 220])
    assert state == REACQUIRED


def test_pose_extent():
    kpts = np.array([[10, 10], [30, 50], [20, 30], [500, 500]], np.float32)
    scores = np.array([0.9, 0.9, 0.9, 0.1], np.float32)
    box, centre, size = pose_extent(kpts, scores, 0.3, 3)
    np.testing.assert_array_equal(box, [10, 10, 30, 50])
    np.testing.assert_array_equal(centre, [20, 30])
    assert size == 40
    assert pose_extent(kpts, scores, 0.3, 4) is None


def test_an_athlete_who_stopped_is_found_where_he_was():
    """Lost while moving 30 px a frame; he stopped: the prediction ran on
    (150 px away after 5 frames), but where he was is still accepted, and
    the velocity starts again from his next steps."""
    tracker = AthleteTracker((480, 640))
    moving_athlete(tracker, step=30.0)  # last at x = 190
    for _ in range(5):
        tracker.miss()
    at = np.array([192.0, 200.0])
    assert np.linalg.norm(tracker.predict(9) - at) > 100
    assert tracker.accepts(at, 50.0, 9)
    assert tracker.update(at, 50.0, 9) == REACQUIRED
    assert not tracker.velocity.any()  # unknown across the gap
    tracker.update(np.array([197.0, 200.0]), 50.0, 10)
    np.testing.assert_allclose(tracker.velocity, [5, 0])


def test_a_seeded_track_starts_only_from_the_marked_athlete():
    """A user's box around the athlete: the first pose must lie near its
    centre (a bystander inside the box, one body away, is refused)."""
    tracker = AthleteTracker((480, 640))
    tracker.seed(np.array([100, 100, 160, 300]))  # centre (130, 200), 200
    assert tracker.acquired
    assert tracker.radius(0) == pytest.approx(70.0)  # 0.35 box sizes
    assert not tracker.accepts(np.array([130.0, 100.0]), 180.0, 0)
    assert tracker.accepts(np.array([135.0, 210.0]), 180.0, 0)
    assert tracker.update(np.array([135.0, 210.0]), 180.0, 0) == REACQUIRED
    # the usual gate, size averaged: 0.3 * 180 + 0.7 * 200
    assert tracker.radius(1) == pytest.approx(0.75 * 194.0)


@pytest.mark.parametrize('box', [[50, 50, 40, 90], [700, 10, 800, 90]])
def test_a_seed_box_must_be_in_the_frame(box):
    with pytest.raises(ValueError, match='athlete box'):
        AthleteTracker((480, 640)).seed(np.array(box, float))


def test_a_seeded_track_refuses_the_man_beside_the_box():
    """Two men side by side: the other man's centre is near the marked
    box's centre (one box width) but outside the box: refused."""
    tracker = AthleteTracker((1080, 1920))
    tracker.seed(np.array([657, 278, 899, 921]))  # 242 x 643
    assert not tracker.accepts(np.array([987.0, 500.0]), 600.0, 0)
    assert tracker.accepts(np.array([780.0, 560.0]), 600.0, 0)
