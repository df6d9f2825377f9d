"""VarianceMask against a plain loop implementation of Eq. 1-3."""
import math
import re

import numpy as np
import pytest
from mmengine.dataset import Compose

from aqa_mm.datasets.transforms import VarianceMask
from aqa_mm.datasets.transforms.mask_utils import center_keypoint
from aqa_mm.datasets.transforms.variance_mask import alteration_degree


def run_pose_pipeline(seed, total_frames, *masks):
    """Random 2-D COCO poses (1 person, ``total_frames`` frames) through
    mmaction2's skeleton pipeline (103 frames) and then ``masks``."""
    rng = np.random.default_rng(seed)
    results = dict(keypoint=rng.uniform(0, 1000, (1, total_frames, 17, 2)),
                   keypoint_score=rng.uniform(size=(1, total_frames, 17)),
                   img_shape=(1080, 1920), total_frames=total_frames,
                   start_index=0)
    pipeline = Compose([
        dict(type='PreNormalize2D'),
        dict(type='GenSkeFeat', dataset='coco', feats=['j']),
        dict(type='UniformSampleFrames', clip_len=103, num_clips=1,
             test_mode=True),
        dict(type='PoseDecode'), *masks])
    return pipeline(results)


def reference_center(kp, center_joint=8, coord_channels=2):
    """Eq. 1 with loops; NaN/inf joints (and joints of a person whose
    centre is missing in that frame) become 0. Returns (x, valid)."""
    x = np.array(kp, dtype=np.float64)
    num_persons, num_frames, num_joints, _ = x.shape
    valid = np.isfinite(x).all(-1)
    x[~valid] = 0
    for m in range(num_persons):
        for t in range(num_frames):
            if center_joint is None:
                continue
            hips = (11, 12) if center_joint == 'hip' else (center_joint, )
            center = np.mean([x[m, t, j, :coord_channels] for j in hips], 0)
            ok = all(valid[m, t, j] for j in hips)
            for v in range(num_joints):
                x[m, t, v, :coord_channels] -= center
                valid[m, t, v] &= ok
    x[~valid] = 0
    return x, valid


def reference_degree(x, valid, window, coord_channels=2):
    """Eq. 2 with loops over t and j; missing joints are left out."""
    num_frames = x.shape[1]
    degree = np.zeros(num_frames)
    for t in range(num_frames):
        frames = range(max(0, t - window), min(num_frames - 1, t + window) + 1)
        total = np.zeros(x.shape[:1] + x.shape[2:3] + (coord_channels, ))
        count = np.zeros(x.shape[:1] + x.shape[2:3] + (1, ))
        for j in frames:
            total += x[:, j, :, :coord_channels] * valid[:, j, :, None]
            count += valid[:, j, :, None]
        mean = total / np.maximum(count, 1)  # [M, V, Cc]
        for j in frames:
            diff = (x[:, j, :, :coord_channels] - mean) * valid[:, j, :, None]
            degree[t] += (diff**2).sum()
    return degree


def reference_variance_mask(kp, mask_ratio, window, center_joint=8,
                            coord_channels=2):
    """Eq. 1-3 as printed (zero frames with D(t) < alpha), plus SPEC's tie
    rule: frames with D(t) == alpha, earliest first, until floor(r*T)."""
    x, valid = reference_center(kp, center_joint, coord_channels)
    degree = reference_degree(x, valid, window, coord_channels)
    num_masked = math.floor(mask_ratio * kp.shape[1])
    alpha = np.sort(degree)[num_masked]
    masked = degree < alpha
    for t in range(kp.shape[1]):
        if masked.sum() < num_masked and degree[t] == alpha:
            masked[t] = True
    x[:, masked] = 0
    return x, degree


def zero_frames(kp):
    return np.flatnonzero((kp == 0).all(axis=(0, 2, 3)))


@pytest.mark.parametrize('shape,window,center,channels', [
    ((1, 103, 17, 3), 5, 8, 2),     # HRNet x, y, score
    ((1, 7, 17, 3), 5, 8, 2),       # T < 2k + 1
    ((2, 30, 17, 3), 3, 'hip', 2),  # two persons
    ((1, 40, 25, 3), 2, 0, 3),      # 3-D coordinates
    ((1, 12, 5, 2), 20, None, 2),   # all windows = the clip: all tied
])
@pytest.mark.parametrize('mask_ratio', [0.1, 0.38, 0.84])
def test_matches_loop_reference(shape, window, center, channels, mask_ratio):
    kp = np.random.default_rng(sum(shape)).normal(10, 3, size=shape)
    ref, ref_degree = reference_variance_mask(kp, mask_ratio, window, center,
                                              channels)
    seq, valid = center_keypoint(kp, center, channels)
    degree = alteration_degree(seq[:, :channels], valid, window)
    np.testing.assert_allclose(degree, ref_degree, rtol=1e-9)

    out = VarianceMask(mask_ratio, window, center, channels)(
        dict(keypoint=kp))['keypoint']
    assert out.shape == kp.shape and out.dtype == kp.dtype
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)
    masked = zero_frames(out)
    assert len(masked) == math.floor(mask_ratio * shape[1])
    assert set(masked) == set(
        np.argsort(ref_degree, kind='stable')[:len(masked)])


def test_static_sequence_masks_first_frames():
    pose = np.random.default_rng(0).normal(size=(1, 1, 17, 3))
    kp = np.repeat(pose, 103, axis=1).astype(np.float32)
    transform = VarianceMask(0.38, 5)
    out = transform(dict(keypoint=kp.copy()))['keypoint']
    np.testing.assert_array_equal(zero_frames(out), np.arange(39))
    again = transform(dict(keypoint=kp.copy()))['keypoint']
    np.testing.assert_array_equal(out, again)


def test_static_stretch_in_pixel_coordinates_ties_exactly():
    # Frames 40..59 hold still; windows inside them (t = 43..56) have D = 0
    # despite coordinates around 1000 px, and tie: earliest frames first.
    rng = np.random.default_rng(8)
    kp = rng.normal(1000, 50, size=(1, 103, 17, 3))
    kp[:, 40:60] = kp[:, 40]
    seq, valid = center_keypoint(kp, 8, 2)
    degree = alteration_degree(seq[:, :2], valid, 3)
    np.testing.assert_array_equal(np.flatnonzero(degree == 0),
                                  np.arange(43, 57))
    out = VarianceMask(0.1, 3)(dict(keypoint=kp))['keypoint']
    np.testing.assert_array_equal(zero_frames(out), np.arange(43, 53))


def test_integer_input_gives_float32():
    kp = np.random.default_rng(9).integers(0, 500, size=(1, 20, 17, 2))
    out = VarianceMask(0.5, 2)(dict(keypoint=kp))['keypoint']
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[:, kept_of(out)],
                               reference_center(kp)[0][:, kept_of(out)])


def kept_of(kp):
    return np.setdiff1d(np.arange(kp.shape[1]), zero_frames(kp))


def test_zero_window_ties_mask_exactly_floor():
    kp = np.random.default_rng(1).normal(size=(1, 20, 17, 3))
    out = VarianceMask(0.5, 0)(dict(keypoint=kp))['keypoint']
    np.testing.assert_array_equal(zero_frames(out), np.arange(10))


def test_score_channel_is_neither_centred_nor_in_degree():
    rng = np.random.default_rng(2)
    kp = rng.normal(size=(1, 50, 17, 3))
    other = kp.copy()
    other[..., 2] = rng.uniform(size=(1, 50, 17))
    out = VarianceMask(0.5, 3)(dict(keypoint=kp))['keypoint']
    out_other = VarianceMask(0.5, 3)(dict(keypoint=other))['keypoint']
    np.testing.assert_array_equal(zero_frames(out), zero_frames(out_other))
    kept = np.setdiff1d(np.arange(50), zero_frames(out))
    np.testing.assert_array_equal(out[:, kept, :, 2], kp[:, kept, :, 2])


def test_nan_and_inf_are_missing():
    rng = np.random.default_rng(3)
    kp = rng.normal(size=(2, 40, 17, 3))
    kp[0, 5, 3, 0] = np.nan
    kp[1, 9, 4, 2] = np.inf
    kp[0, 20, 8, 1] = -np.inf  # centre joint: the whole person-frame
    kp[:, 30] = np.nan  # a whole frame
    ref, ref_degree = reference_variance_mask(kp, 0.2, 4)
    assert np.isfinite(ref_degree).all()
    seq, valid = center_keypoint(kp, 8, 2)
    np.testing.assert_allclose(alteration_degree(seq[:, :2], valid, 4),
                               ref_degree, rtol=1e-9)
    out = VarianceMask(0.2, 4)(dict(keypoint=kp))['keypoint']
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)
    assert (out[0, 20] == 0).all() and (out[0, 5, 3] == 0).all()


def test_wrong_ndim():
    msg = 'expected keypoint of shape (M, T, V, C), got (103, 17, 3)'
    with pytest.raises(ValueError, match=re.escape(msg)):
        VarianceMask(0.38, 5)(dict(keypoint=np.zeros((103, 17, 3))))


@pytest.mark.parametrize('kwargs,name', [
    (dict(mask_ratio=1.0), 'mask_ratio'), (dict(mask_ratio=-0.1),
                                           'mask_ratio'),
    (dict(window=-1), 'window'), (dict(window=1.5), 'window'),
    (dict(center_joint=-1), 'center_joint'),
    (dict(center_joint='neck'), 'center_joint'),
    (dict(coord_channels=0), 'coord_channels'), (dict(mode='drop'), 'mode')
])
def test_invalid_args(kwargs, name):
    args = {**dict(mask_ratio=0.38, window=5), **kwargs}
    with pytest.raises(ValueError, match=name):
        VarianceMask(**args)


@pytest.mark.parametrize('kwargs,name', [(dict(center_joint=17),
                                          'center_joint'),
                                         (dict(coord_channels=4),
                                          'coord_channels')])
def test_args_out_of_range_of_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        VarianceMask(0.38, 5, **kwargs)(dict(keypoint=np.ones((1, 9, 17, 3))))


def test_out_key_leaves_keypoint_untouched():
    kp = np.random.default_rng(4).normal(size=(1, 30, 17, 3))
    original = kp.copy()
    results = VarianceMask(0.5, 2, out_key='keypoint_var')(dict(keypoint=kp))
    assert results['keypoint'] is kp
    np.testing.assert_array_equal(kp, original)
    assert len(zero_frames(results['keypoint_var'])) == 15


def test_zero_ratio_masks_nothing():
    kp = np.random.default_rng(5).normal(size=(1, 30, 17, 3))
    out = VarianceMask(0.0, 2)(dict(keypoint=kp))['keypoint']
    np.testing.assert_allclose(out, reference_center(kp)[0], rtol=1e-12)
    assert len(zero_frames(out)) == 0


def test_select_keeps_unmasked_frames_in_time_order():
    kp = np.random.default_rng(6).normal(size=(1, 103, 17, 3))
    kp[..., 2] = np.arange(1, 104)[None, :, None]  # score = frame id
    zeroed = VarianceMask(0.38, 5)(dict(keypoint=kp.copy()))['keypoint']
    out = VarianceMask(0.38, 5, mode='select')(dict(keypoint=kp))['keypoint']
    assert out.shape == (1, 64, 17, 3)
    frame_ids = out[0, :, 0, 2].astype(int) - 1
    np.testing.assert_array_equal(
        frame_ids, np.setdiff1d(np.arange(103), zero_frames(zeroed)))
    np.testing.assert_array_equal(out, zeroed[:, frame_ids])


def test_repr_shows_every_argument():
    text = repr(VarianceMask(0.38, 5, 'hip', 3, 'select', 'kp_var'))
    assert text == ("VarianceMask(mask_ratio=0.38, window=5, "
                    "center_joint='hip', coord_channels=3, mode='select', "
                    "out_key='kp_var')")


def test_in_mmaction_pipeline():
    out = run_pose_pipeline(
        7, 150,
        dict(type='VarianceMask', mask_ratio=0.38, window=5,
             out_key='keypoint_var'),
        dict(type='VarianceMask', mask_ratio=0.38, window=5, mode='select'))
    assert out['keypoint_var'].shape == (1, 103, 17, 3)
    assert out['keypoint_var'].dtype == np.float32
    assert len(zero_frames(out['keypoint_var'])) == 39
    assert out['keypoint'].shape == (1, 64, 17, 3)
    assert (out['keypoint'][:, :, 8, :2] == 0).all()  # centred on joint 8


@pytest.mark.parametrize('shape, window', [((1, 103, 17, 2), 2),
                                           ((2, 9, 5, 3), 6),
                                           ((1, 4, 17, 2), 0)])
def test_all_valid_mask_equals_no_mask(shape, window):
    """valid=None and an all-True validity give the same D, and both match
    the loop reference (large offsets: the frame-0 shift keeps it exact)."""
    rng = np.random.default_rng(7)
    seq = rng.normal(size=shape) * 100 + 1e4  # [M, T, V, C]
    coords = seq[..., :2].transpose(2, 3, 0, 1).copy()  # (V, Cc, M, T)
    valid = np.ones(coords.shape[:1] + coords.shape[2:], dtype=bool)
    no_mask = alteration_degree(coords, None, window)
    np.testing.assert_array_equal(no_mask,
                                  alteration_degree(coords, valid, window))
    reference = reference_degree(seq, np.ones(seq.shape[:3], bool), window)
    np.testing.assert_allclose(no_mask, reference, rtol=1e-9)
