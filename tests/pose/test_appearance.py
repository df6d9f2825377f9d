"""The athlete's colours along his limbs."""
import numpy as np

from aqa_mm.pose.appearance import limb_histogram, similarity


def _pose(x0=40.0):
    """A standing COCO-17 stick pose, 60 px tall, at x0."""
    kpts = np.zeros((17, 2), np.float32)
    kpts[:, 0] = x0
    kpts[[5, 7, 9, 11, 13, 15], 0] -= 5  # left side
    kpts[[6, 8, 10, 12, 14, 16], 0] += 5
    kpts[[5, 6], 1], kpts[[7, 8], 1], kpts[[9, 10], 1] = 20, 30, 40
    kpts[[11, 12], 1], kpts[[13, 14], 1], kpts[[15, 16], 1] = 45, 60, 75
    return kpts, np.ones(17, np.float32)


def _frame(colour, x0=40):
    frame = np.full((100, 120, 3), (200, 120, 40), np.uint8)  # water
    frame[15:80, x0 - 8:x0 + 9] = colour
    return frame


def test_histogram_is_normalised_and_needs_limbs():
    kpts, scores = _pose()
    hist = limb_histogram(_frame((60, 90, 180)), kpts, scores)
    assert hist.shape == (72,) and np.isclose(hist.sum(), 1)
    scores[5:] = 0  # no limb left
    assert limb_histogram(_frame((60, 90, 180)), kpts, scores) is None


def test_the_same_colours_match_and_others_do_not():
    kpts, scores = _pose()
    skin = limb_histogram(_frame((60, 90, 180)), kpts, scores)
    moved = limb_histogram(_frame((60, 90, 180), 70), *_pose(70.0))
    railing = limb_histogram(_frame((235, 235, 235)), kpts, scores)
    assert similarity(skin, moved) > 0.99
    assert similarity(skin, railing) < 0.2
    assert np.isclose(similarity(skin, skin), 1.0)
