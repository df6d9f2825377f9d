"""The athlete search: quarter-turn maths, the orientation search (a drawn
stick figure that the stub estimator only sees head up; a real frame turned
by 180 degrees for BlazePose), and identity gating through the extractor
(a judge far from the prediction, an athlete who vanishes)."""
import cv2
import numpy as np
import pytest

from aqa_mm.pose import (AthleteTracker, BlazePoseEstimator, NoPersonError,
                         PoseExtractor, PoseSearch)
from aqa_mm.pose.orientation import (rotate_image, search_order,
                                     unrotate_points)
from aqa_mm.pose.orientation import estimate_turned
from tests.pose.conftest import STUB_META, write_video

RED, BLUE, GREEN = (0, 0, 255), (255, 0, 0), (0, 255, 0)


@pytest.mark.parametrize('angle', [0, 90, 180, 270])
def test_points_map_back_from_every_turn(angle):
    img = np.zeros((30, 50), np.uint8)
    img[7, 41] = 255  # pixel centre (41.5, 7.5)
    turned = rotate_image(img, angle)
    y, x = np.argwhere(turned == 255)[0]
    back = unrotate_points(np.array([[x + 0.5, y + 0.5]]), angle, (30, 50))
    np.testing.assert_allclose(back, [[41.5, 7.5]])


def test_search_order_tries_the_last_turn_first():
    assert search_order(0) == (0, 90, 270, 180)
    assert search_order(180) == (180, 0, 90, 270)
    assert search_order(90, (0, 90)) == (90, 0)


def figure(frame, x, y, colour, inverted=False, h=40):
    """A stick person: a body of ``colour``, a green head above it (below
    it when inverted); (x, y) is the body's top-left corner."""
    cv2.rectangle(frame, (x, y), (x + 10, y + h), colour, -1)
    head = y + h + 2 if inverted else y - 10
    cv2.rectangle(frame, (x + 2, head), (x + 8, head + 8), GREEN, -1)


class HeadUpStub:
    """Sees a drawn figure only head up (as a pose model misses inverted
    people): the biggest body of any colour with the head just above it
    (blue bodies first: a "more confident" bystander). Keypoints spread
    down the body, score 0.9; zeros when nobody is head up."""

    num_keypoints = 17
    meta = STUB_META
    streams = False

    def reset(self):
        pass

    @staticmethod
    def _is(img, colour):
        """Pixels of ``colour``, with room for the video codec's error."""
        return np.abs(img.astype(int) - colour).sum(-1) < 120

    def _person(self, img):
        for colour in (BLUE, RED):
            mask = self._is(img, colour).astype(np.uint8)
            _, _, stats, _ = cv2.connectedComponentsWithStats(mask)
            for x, y, w, h, area in sorted(stats[1:], key=lambda s: -s[4]):
                head = img[max(y - 6, 0):y, x:x + w]
                if area > 20 and h > w and self._is(head, GREEN).any():
                    return x, y, w, h
        return None

    def __call__(self, images, boxes):
        kpts = np.zeros((len(images), 17, 2), np.float32)
        scores = np.zeros((len(images), 17), np.float32)
        for i, (img, box) in enumerate(zip(images, boxes)):
            x1, y1, x2, y2 = np.round(box).astype(int)
            found = self._person(img[y1:y2, x1:x2])
            if found is not None:
                x, y, w, h = found
                kpts[i, :, 0] = x1 + x + w / 2
                kpts[i, :, 1] = y1 + y + np.linspace(0, h, 17)
                scores[i] = 0.9
        return kpts, scores


def _scene(tmp_path, frames):
    return str(write_video(tmp_path / 'scene.mp4', frames))


def _frame():
    return np.full((160, 240, 3), 60, np.uint8)


def test_an_inverted_athlete_is_found_by_turning_the_crop(tmp_path):
    """Frames 0-2 upright, 3-5 upside down: found at 180 degrees, with the
    keypoints back on the inverted body."""
    frames = []
    for t in range(6):
        frame = _frame()
        figure(frame, 100 + 2 * t, 60, RED, inverted=t >= 3)
        frames.append(frame)
    rec = PoseExtractor(HeadUpStub(), batch_size=1).extract(
        _scene(tmp_path, frames), 's')
    assert rec['track_state'][0].tolist() == [2, 1, 1, 1, 1, 1]
    assert rec['track_angle'][0].tolist() == [0, 0, 0, 180, 180, 180]
    kpts = rec['keypoint'][0]
    for t in range(6):  # on the body, whichever way up it is
        assert 100 + 2 * t <= kpts[t, :, 0].mean() <= 110 + 2 * t
        assert 58 <= kpts[t, :, 1].min() and kpts[t, :, 1].max() <= 102
    # without the turns the inverted frames are lost
    rec = PoseExtractor(HeadUpStub(), batch_size=1, angles=(0,)).extract(
        _scene(tmp_path, frames), 's')
    assert rec['track_state'][0].tolist() == [2, 1, 1, 0, 0, 0]


def test_a_judge_far_from_the_prediction_is_never_taken(tmp_path):
    """The athlete moves right for 5 frames and vanishes (under water);
    a bigger, "more confident" judge stands far away all along. The lost
    frames stay empty; the athlete is re-acquired where he reappears."""
    frames = []
    for t in range(14):
        frame = _frame()
        if t < 5 or t >= 11:
            figure(frame, 20 + 3 * t if t < 5 else 40, 60, RED)
        if t >= 1:
            figure(frame, 200, 40, BLUE, h=60)
        frames.append(frame)
    rec = PoseExtractor(HeadUpStub(), batch_size=1).extract(
        _scene(tmp_path, frames), 's')
    states = rec['track_state'][0].tolist()
    assert states == [2, 1, 1, 1, 1] + [0] * 6 + [2, 1, 1]
    x = rec['keypoint'][0, :, :, 0].mean(1)
    assert (x[:5] < 60).all() and (x[11:] < 60).all()  # never the judge
    assert not rec['keypoint_score'][0, 5:11].any()
    assert not rec['keypoint'][0, 5:11].any()


def test_a_region_outside_the_frame_is_not_searched():
    """A prediction that left the frame gives a lost frame without calling
    the estimator."""
    calls = []

    class Counting(HeadUpStub):
        def __call__(self, images, boxes):
            calls.append(len(images))
            return super().__call__(images, boxes)

    tracker = AthleteTracker((160, 240))
    tracker.update(np.array([230.0, 80.0]), 20.0, 0)
    tracker.velocity = np.array([40.0, 0.0])
    out = PoseSearch(Counting())([_frame()], tracker, 3)
    assert out.states.tolist() == [0] and calls == []


@pytest.fixture(scope='module')
def upright_person(real_video):
    frame = cv2.VideoCapture(real_video).read()[1]
    return np.ascontiguousarray(frame[100:1000, 820:1220])  # man in black


def test_blazepose_keypoints_of_a_turned_crop_map_back(upright_person):
    """A real person turned upside down, shown to BlazePose turned back by
    180: his keypoints land on the turned frame where the upright ones,
    turned, are; and the search finds him."""
    pose = BlazePoseEstimator()
    h, w = upright_person.shape[:2]
    ref, ref_s = pose([upright_person], np.array([[0, 0, w, h]], np.float32))
    assert (ref_s[0] >= 0.5).sum() >= 12
    turned = np.ascontiguousarray(rotate_image(upright_person, 180))
    kpts, scores = estimate_turned(pose, [turned],
                                   [np.array([0, 0, w, h])], [180])
    expect = np.stack([w - ref[0, :, 0], h - ref[0, :, 1]], -1)
    good = (ref_s[0] >= 0.5) & (scores[0] >= 0.5)
    assert good.sum() >= 12
    err = np.linalg.norm(kpts[0][good] - expect[good], axis=1)
    assert np.median(err) < 0.02 * h, err
    out = PoseSearch(pose)([turned], AthleteTracker((h, w)), 0)
    assert out.states.tolist() == [2]
    err = np.linalg.norm(out.keypoints[0][good] - expect[good], axis=1)
    assert np.median(err) < 0.03 * h, err
    pose.close()


def test_a_look_alike_position_is_not_enough_to_resume(tmp_path):
    """The athlete (red) vanishes; a blue figure stands where he was
    predicted: refused (other colours), the frames stay empty; the athlete
    coming back is re-acquired."""
    frames = []
    for t in range(12):
        frame = _frame()
        if t < 4 or t >= 9:
            figure(frame, 100, 60, RED)
        elif t >= 5:
            figure(frame, 101, 60, BLUE)
        frames.append(frame)
    rec = PoseExtractor(HeadUpStub(), batch_size=1).extract(
        _scene(tmp_path, frames), 's')
    assert rec['track_state'][0].tolist() == [2, 1, 1, 1] + [0] * 5 + \
        [2, 1, 1]
    assert not rec['keypoint_score'][0, 4:9].any()


def test_a_marked_athlete_is_followed_not_the_search_s_pick(tmp_path):
    """Two figures from the start; the search alone starts on the blue one
    (the stub's pick), the athlete box starts it on the red one."""
    frames = []
    for _ in range(4):
        frame = _frame()
        figure(frame, 40, 60, RED)
        figure(frame, 170, 60, BLUE)
        frames.append(frame)
    path = _scene(tmp_path, frames)
    x = PoseExtractor(HeadUpStub(), batch_size=1).extract(
        path, 's')['keypoint'][0, :, :, 0].mean(1)
    assert (x > 160).all()  # blue
    rec = PoseExtractor(HeadUpStub(), batch_size=1).extract(
        path, 's', athlete_box=[36, 48, 54, 102])
    assert (rec['keypoint'][0, :, :, 0].mean(1) < 60).all()  # red
    assert rec['track_state'][0].tolist() == [2, 1, 1, 1]
    with pytest.raises(NoPersonError, match='athlete box'):
        PoseExtractor(HeadUpStub()).extract(path, 's',
                                            athlete_box=[300, 0, 400, 50])
