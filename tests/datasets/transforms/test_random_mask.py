import numpy as np
import pytest

from aqa_mm.datasets.transforms import RandomMask, TemporalMask


def _masked(kp):
    return np.flatnonzero((kp == 0).all(axis=(0, 2, 3)))


def test_masks_floor_rt_random_frames_and_centres_like_temporal_mask():
    kp = np.random.default_rng(0).normal(5, 2, size=(1, 103, 17, 3))
    np.random.seed(1)
    first = RandomMask(0.38)(dict(keypoint=kp.copy()))['keypoint']
    second = RandomMask(0.38)(dict(keypoint=kp.copy()))['keypoint']
    assert len(_masked(first)) == len(_masked(second)) == 39
    assert set(_masked(first)) != set(_masked(second))  # fresh draw
    kept = np.setdiff1d(np.arange(103), _masked(first))
    centred = TemporalMask(0.0)(dict(keypoint=kp.copy()))['keypoint']
    np.testing.assert_allclose(first[:, kept], centred[:, kept])


def test_select_mode_and_bad_args():
    kp = np.ones((1, 10, 17, 3))
    out = RandomMask(0.5, mode='select')(dict(keypoint=kp))['keypoint']
    assert out.shape == (1, 5, 17, 3)
    with pytest.raises(ValueError, match='mask_ratio'):
        RandomMask(1.5)
    with pytest.raises(ValueError, match=r'\(M, T, V, C\)'):
        RandomMask(0.5)(dict(keypoint=np.ones((10, 17, 3))))
