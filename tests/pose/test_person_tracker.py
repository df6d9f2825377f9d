"""Box helpers of the athlete search (the rule: test_athlete_tracker.py)."""
import numpy as np
import pytest

from aqa_mm.pose.person_tracker import box_iou, is_blank


def test_box_iou():
    others = np.array([[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]])
    ious = box_iou(np.array([0, 0, 10, 10.]), others)
    np.testing.assert_allclose(ious, [1, 50 / 150, 0])


@pytest.mark.parametrize('value,blank', [(0, True), (128, True)])
def test_uniform_frames_are_blank(value, blank):
    assert is_blank(np.full((64, 64, 3), value, np.uint8)) is blank


def test_textured_frame_is_not_blank():
    rng = np.random.default_rng(0)
    assert not is_blank(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8))
