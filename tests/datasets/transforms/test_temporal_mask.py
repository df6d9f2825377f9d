"""TemporalMask: kept-frame counts, spacing, the authors' variant, centring."""
import math
import re

import numpy as np
import pytest

from aqa_mm.datasets.transforms import TemporalMask
from aqa_mm.datasets.transforms.temporal_mask import interval_frames
from tests.datasets.transforms.test_variance_mask import (reference_center,
                                                          run_pose_pipeline,
                                                          zero_frames)


def kept_frames(kp):
    return np.flatnonzero(~(kp == 0).all(axis=(0, 2, 3)))


# Paper, Table 6: on AQA-7's 103 frames r_m = 0.84 / 0.69 / 0.38 keep
# 16 / 32 / 64 frames. With SPEC's floor(r_m * T) masked frames, 0.69 and
# 0.38 give 32 and 64, but 0.84 masks floor(86.52) = 86 and keeps 17; the
# exact ratio for 16 kept frames is 1 - 16/103 = 0.8447 (printed as 0.84).
@pytest.mark.parametrize('mask_ratio,num_keep', [(1 - 16 / 103, 16),
                                                 (0.84, 17), (0.69, 32),
                                                 (0.38, 64)])
def test_frames_kept_on_aqa7_clips(mask_ratio, num_keep):
    kp = np.random.default_rng(0).normal(size=(1, 103, 17, 3))
    out = TemporalMask(mask_ratio)(dict(keypoint=kp))['keypoint']
    assert out.shape == kp.shape
    kept = kept_frames(out)
    assert len(kept) == num_keep
    gaps = np.diff(kept)
    assert set(gaps) <= {103 // num_keep, math.ceil(103 / num_keep)}
    # Spread over the whole clip: the margins are at most one gap.
    assert kept[0] < gaps.max() and 102 - kept[-1] < gaps.max()
    ref = reference_center(kp)[0]
    np.testing.assert_allclose(out[:, kept], ref[:, kept])


@pytest.mark.parametrize('num_frames', [1, 2, 7, 103, 256])
@pytest.mark.parametrize('mask_ratio', [0.0, 0.25, 0.5, 0.9, 0.999])
def test_interval_frames_are_distinct_and_in_range(num_frames, mask_ratio):
    num_keep = num_frames - math.floor(mask_ratio * num_frames)
    for mode in ('zero', 'select'):
        frames = interval_frames(num_frames, num_keep, mode)
        assert len(frames) == num_keep
        assert (np.diff(frames) > 0).all()
        assert 0 <= frames[0] and frames[-1] < num_frames


@pytest.mark.parametrize('mask_ratio,start,stride,num_keep', [
    (1 - 16 / 103, 7, 6, 16), (0.69, 7, 3, 32), (0.38, 39, 1, 64)])
def test_select_is_the_authors_slice(mask_ratio, start, stride, num_keep):
    kp = np.random.default_rng(1).normal(size=(1, 103, 17, 3))
    kp[..., 2] = np.arange(103)[None, :, None]  # score = frame index
    out = TemporalMask(mask_ratio, mode='select')(dict(keypoint=kp))
    out = out['keypoint']
    assert out.shape == (1, num_keep, 17, 3)
    frames = out[0, :, 0, 2].astype(int)
    np.testing.assert_array_equal(frames, np.arange(103)[start::stride])
    np.testing.assert_array_equal(frames, np.arange(103)[103 % num_keep::103
                                                         // num_keep])
    np.testing.assert_allclose(out, reference_center(kp)[0][:, frames])


def test_centring_and_zeroing_match_variance_mask_conventions():
    kp = np.random.default_rng(2).normal(size=(2, 40, 17, 3))
    out = TemporalMask(0.5, center_joint='hip')(dict(keypoint=kp))['keypoint']
    ref = reference_center(kp, 'hip')[0]
    kept = kept_frames(out)
    assert len(kept) == 20 and len(zero_frames(out)) == 20
    np.testing.assert_allclose(out[:, kept], ref[:, kept], rtol=1e-12)
    np.testing.assert_array_equal(out[..., 2][:, kept], kp[..., 2][:, kept])


def test_nan_and_inf_are_zeroed():
    kp = np.random.default_rng(3).normal(size=(1, 30, 17, 3))
    kp[0, :, 3, 1] = np.nan
    kp[0, 0, 8, 0] = np.inf  # centre joint missing: frame 0 all zero
    out = TemporalMask(0.0)(dict(keypoint=kp))['keypoint']
    assert np.isfinite(out).all()
    assert (out[0, :, 3] == 0).all() and (out[0, 0] == 0).all()
    np.testing.assert_allclose(out, reference_center(kp)[0], rtol=1e-12)


def test_zero_ratio_keeps_everything_and_out_key():
    kp = np.random.default_rng(4).normal(size=(1, 25, 17, 3))
    original = kp.copy()
    results = TemporalMask(0.0, out_key='keypoint_tmp')(dict(keypoint=kp))
    np.testing.assert_array_equal(results['keypoint'], original)
    np.testing.assert_allclose(results['keypoint_tmp'],
                               reference_center(kp)[0], rtol=1e-12)


def test_wrong_ndim():
    msg = 'expected keypoint of shape (M, T, V, C), got (103, 17, 3)'
    with pytest.raises(ValueError, match=re.escape(msg)):
        TemporalMask(0.38)(dict(keypoint=np.zeros((103, 17, 3))))


@pytest.mark.parametrize('kwargs,name', [
    (dict(mask_ratio=1.0), 'mask_ratio'), (dict(center_joint=-2),
                                           'center_joint'),
    (dict(coord_channels=0), 'coord_channels'), (dict(mode='zeros'), 'mode')
])
def test_invalid_args(kwargs, name):
    with pytest.raises(ValueError, match=name):
        TemporalMask(**{**dict(mask_ratio=0.38), **kwargs})


def test_center_joint_out_of_range_and_no_window_arg():
    with pytest.raises(ValueError, match='center_joint'):
        TemporalMask(0.38, 'hip')(dict(keypoint=np.ones((1, 9, 5, 2))))
    with pytest.raises(TypeError):
        TemporalMask(0.38, window=5)


def test_repr_shows_every_argument():
    assert repr(TemporalMask(0.69, None, 3, 'select', 'kp_tmp')) == (
        "TemporalMask(mask_ratio=0.69, center_joint=None, coord_channels=3, "
        "mode='select', out_key='kp_tmp')")


def test_in_mmaction_pipeline():
    out = run_pose_pipeline(
        5, 80,
        dict(type='TemporalMask', mask_ratio=0.69, out_key='keypoint_tmp'),
        dict(type='TemporalMask', mask_ratio=0.69, mode='select'))
    assert out['keypoint_tmp'].shape == (1, 103, 17, 3)
    assert out['keypoint_tmp'].dtype == np.float32
    assert len(kept_frames(out['keypoint_tmp'])) == 32
    assert out['keypoint'].shape == (1, 32, 17, 3)
    assert (out['keypoint'][:, :, 8, :2] == 0).all()
