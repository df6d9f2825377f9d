"""RandomViewTransform3D, MinMaxNormalize and SortedRandomSampleFrames (the
CTR-GCN NW-UCLA feeder's augmentation and sampling) against plain
loop-based reference code written from the feeder's description."""
import math
import warnings

import numpy as np
import pytest

from aqa_mm.datasets.transforms import (MinMaxNormalize,
                                        RandomViewTransform3D,
                                        SortedRandomSampleFrames)
from aqa_mm.datasets.transforms.random_view_transform import view_matrix


def _ref_view(points, ax, ay, s):
    """Rotate each row vector about x by ax, then y by ay (deg), scale s."""
    out = []
    ax, ay = math.radians(ax), math.radians(ay)
    for x, y, z in points:
        # p @ Ry @ Rx @ S, written out component by component
        x1 = x * math.cos(ay) + z * math.sin(ay)
        y1 = y
        z1 = -x * math.sin(ay) + z * math.cos(ay)
        x2 = x1
        y2 = y1 * math.cos(ax) - z1 * math.sin(ax)
        z2 = y1 * math.sin(ax) + z1 * math.cos(ax)
        out.append((s * x2, s * y2, s * z2))
    return np.array(out)


@pytest.mark.parametrize('ax,ay,s', [(30, 0, 1), (0, -45, 1), (60, -60, 0.7),
                                     (-12.5, 33, 1.4)])
def test_view_matrix_matches_reference(ax, ay, s):
    pts = np.random.default_rng(0).normal(size=(10, 3))
    np.testing.assert_allclose(pts @ view_matrix(ax, ay, s),
                               _ref_view(pts, ax, ay, s), atol=1e-12)


def test_view_transform_centres_rotates_and_keeps_shape():
    rng = np.random.default_rng(1)
    kp = rng.normal(size=(1, 7, 20, 3)).astype(np.float32)
    np.random.seed(3)
    out = RandomViewTransform3D()(dict(keypoint=kp.copy()))['keypoint']
    assert out.shape == kp.shape and out.dtype == np.float32
    # the centre joint of frame 0 is the origin, before and after rotation
    np.testing.assert_allclose(out[0, 0, 1], 0, atol=1e-6)
    # rotation + uniform scale: all pairwise distances scale by one factor
    centred = kp - kp[:, :1, 1:2]
    norm = np.linalg.norm(centred, axis=-1)
    keep = norm > 0   # the centre joint itself has length 0
    ratio = np.linalg.norm(out, axis=-1)[keep] / norm[keep]
    assert 0.5 <= ratio.min() and ratio.max() <= 1.5
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-4)


def test_view_transform_test_mode_only_centres():
    kp = np.random.default_rng(2).normal(size=(2, 5, 20, 3))
    out = RandomViewTransform3D(test_mode=True)(
        dict(keypoint=kp.copy()))['keypoint']
    np.testing.assert_allclose(out, kp - kp[:, :1, 1:2], atol=1e-6)


def test_view_transform_rejects_2d_keypoints_naming_the_shape():
    with pytest.raises(ValueError, match=r'\(M, T, V, 3\).*\(1, 4, 17, 2\)'):
        RandomViewTransform3D()(dict(keypoint=np.zeros((1, 4, 17, 2))))
    with pytest.raises(ValueError, match='scale_range'):
        RandomViewTransform3D(scale_range=(0, 1))


def test_view_transform_centre_out_of_range_names_the_shape():
    with pytest.raises(ValueError, match=r'center_joint 25.*\(1, 4, 20, 3\)'
                       r'.*clip_7'):
        RandomViewTransform3D(center_joint=25)(
            dict(keypoint=np.zeros((1, 4, 20, 3)), frame_dir='clip_7'))


def test_min_max_normalize_matches_loop_reference():
    kp = np.random.default_rng(4).normal(size=(1, 6, 20, 3)) * 5 + 2
    out = MinMaxNormalize()(dict(keypoint=kp.copy()))['keypoint']
    for c in range(3):
        lo, hi = kp[..., c].min(), kp[..., c].max()
        for t in range(6):
            for v in range(20):
                want = (kp[0, t, v, c] - lo) / (hi - lo) * 2 - 1
                assert abs(out[0, t, v, c] - want) < 1e-5
    assert out.min() == pytest.approx(-1) and out.max() == pytest.approx(1)


def test_min_max_normalize_constant_channel_and_score_channel():
    kp = np.zeros((1, 1, 4, 3), np.float32)
    kp[..., 0] = [0, 1, 2, 3]          # x varies, y constant
    kp[..., 2] = [0.1, 0.9, 0.5, 0.3]  # a 2D score channel, left alone
    out = MinMaxNormalize(coord_channels=2)(dict(keypoint=kp))['keypoint']
    np.testing.assert_allclose(out[0, 0, :, 0], [-1, -1 / 3, 1 / 3, 1],
                               atol=1e-6)
    np.testing.assert_allclose(out[..., 1], 0)   # no range: midpoint
    np.testing.assert_allclose(out[..., 2], kp[..., 2])
    assert np.isfinite(out).all()


def test_min_max_normalize_missing_joints_stay_missing():
    kp = np.random.default_rng(5).normal(size=(1, 5, 20, 3))
    kp[0, 2, 3] = np.nan
    kp[0, 4, 7, 0] = np.inf
    kp[..., 2] = np.nan                # a channel with no finite value
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        out = MinMaxNormalize()(dict(keypoint=kp.copy()))['keypoint']
    finite = np.isfinite(kp)
    np.testing.assert_array_equal(np.isfinite(out), finite)
    for c in range(2):   # the range comes from the finite values alone
        values = out[..., c][finite[..., c]]
        assert values.min() == pytest.approx(-1)
        assert values.max() == pytest.approx(1)
    assert np.isinf(out[0, 4, 7, 0])


def test_sorted_random_sample_frames_train_and_test():
    sampler = SortedRandomSampleFrames(clip_len=52)
    np.random.seed(0)
    for total in (1, 9, 31, 201):
        inds = sampler(dict(total_frames=total))['frame_inds']
        assert inds.shape == (52, ) and np.all(np.diff(inds) >= 0)
        assert inds.min() >= 0 and inds.max() < total
        if total >= 52:   # 100 copies: almost never more than a few repeats
            assert len(np.unique(inds)) > 30
    test = SortedRandomSampleFrames(clip_len=52, test_mode=True)
    res = test(dict(total_frames=31))
    np.testing.assert_array_equal(
        res['frame_inds'], [int(i * 30 / 51) for i in range(52)])
    assert res['num_clips'] == 1 and res['clip_len'] == 52
    # short clips are stretched in time, not looped
    inds = sampler(dict(total_frames=5))['frame_inds']
    assert inds[0] <= inds[-1] and set(inds) <= set(range(5))


def test_sorted_random_sample_frames_bad_input_names_the_sample():
    with pytest.raises(ValueError, match='a01_s01'):
        SortedRandomSampleFrames(clip_len=4)(
            dict(total_frames=0, frame_dir='a01_s01'))
    with pytest.raises(ValueError, match='clip_len'):
        SortedRandomSampleFrames(clip_len=0)
