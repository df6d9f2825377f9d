"""BlazePose's landmark model on our own ROIs: the same joints as
MediaPipe's pipeline on a real person, no person on noise, the ROI maths,
and the verification of a found pose."""
import cv2
import numpy as np
import pytest

from aqa_mm.pose import BlazePoseEstimator
from aqa_mm.pose.blazepose_landmarks import BlazePoseLandmarks, roi_matrix


@pytest.fixture(scope='module')
def landmarks():
    return BlazePoseLandmarks()


@pytest.fixture(scope='module')
def person(real_video):
    frame = cv2.VideoCapture(real_video).read()[1]
    return np.ascontiguousarray(frame[100:1000, 820:1220])  # man in black


def test_roi_matrix_centres_scales_and_turns_clockwise():
    m = roi_matrix((100, 50), 64, 90)
    np.testing.assert_allclose(m @ [100, 50, 1], [128, 128], atol=1e-9)
    # a point above the centre is on its right after a clockwise turn
    np.testing.assert_allclose(m @ [100, 34, 1], [192, 128], atol=1e-9)


def test_same_joints_as_mediapipe_on_a_real_person(landmarks, person):
    h, w = person.shape[:2]
    ref, ref_s = BlazePoseEstimator()([person],
                                      np.array([[0, 0, w, h]], np.float32))
    kpts, scores, presence = landmarks.estimate_roi(
        person, (w / 2, h / 2), max(h, w), 0.0)
    assert presence > 0.9
    good = (ref_s[0] >= 0.5) & (scores >= 0.5)
    assert good.sum() >= 12
    err = np.linalg.norm(kpts[good] - ref[0][good], axis=1)
    assert np.median(err) < 0.02 * h, err
    # the same person turned upside down, shown turned back by 180
    turned = np.ascontiguousarray(person[::-1, ::-1])
    kpts2, scores2, _ = landmarks.estimate_roi(
        turned, (w / 2, h / 2), max(h, w), 180.0)
    expect = np.stack([w - kpts[:, 0], h - kpts[:, 1]], -1)
    good2 = good & (scores2 >= 0.5)
    assert np.median(np.linalg.norm(kpts2[good2] - expect[good2],
                                    axis=1)) < 0.02 * h


def test_no_person_on_noise(landmarks):
    noise = np.random.default_rng(0).integers(0, 255, (300, 300, 3),
                                              dtype=np.uint8)
    _, scores, presence = landmarks.estimate_roi(noise, (150, 150), 300,
                                                 0.0)
    assert presence < 0.5 and not scores.any()


def test_verify_a_real_pose_but_not_a_wall(landmarks, person):
    h, w = person.shape[:2]
    kpts, scores, _ = landmarks.estimate_roi(person, (w / 2, h / 2),
                                             max(h, w), 0.0)
    assert landmarks.verify(person, kpts, scores, 0.0)
    wall = np.full_like(person, 170)
    wall[::40] = 90  # bricks
    assert not landmarks.verify(wall, kpts, scores, 0.0)
