"""Building blocks shared by the frame masks (:class:`BaseFrameMask`).

Argument checks, input checks, the centring of Eq. 1 of 2M-AF (ACM MM 2024,
§3.1) and the frame counts. Nothing here is registered.

Missing values: a joint of one person in one frame is *missing* when any of
its channels is NaN or ±inf. A missing joint is written out as zeros and is
left out of every statistic (the window sums of Eq. 2). When the centre joint
is missing, the other joints of that person in that frame cannot be centred,
so they count as missing too. Zeros (mmaction2's padding for absent persons)
are ordinary values.
"""
import math
from numbers import Integral, Real
from typing import Optional, Tuple, Union

import numpy as np

CenterJoint = Optional[Union[int, str]]
# COCO-17 left and right hip; ``'hip'`` centres on their midpoint.
COCO_HIPS = (11, 12)
MODES = ('zero', 'select')


def check_mask_ratio(mask_ratio: float) -> float:
    """Return ``mask_ratio`` as a float, or raise if it is not in [0, 1)."""
    if (isinstance(mask_ratio, bool) or not isinstance(mask_ratio, Real)
            or not 0 <= mask_ratio < 1):
        raise ValueError(f'mask_ratio must be a number in [0, 1), '
                         f'got {mask_ratio!r}')
    return float(mask_ratio)


def check_int(name: str, value: int, minimum: int) -> int:
    """Return ``value`` as an int, or raise if it is not an int >= minimum."""
    if (isinstance(value, bool) or not isinstance(value, Integral)
            or value < minimum):
        raise ValueError(f'{name} must be an int >= {minimum}, '
                         f'got {value!r}')
    return int(value)


def check_center_joint(center_joint: CenterJoint) -> CenterJoint:
    """Check ``center_joint``: an int >= 0, ``'hip'`` or None."""
    if center_joint is None or center_joint == 'hip':
        return center_joint
    if isinstance(center_joint, str):
        raise ValueError(f"center_joint must be an int, 'hip' or None, "
                         f'got {center_joint!r}')
    return check_int('center_joint', center_joint, 0)


def check_mode(mode: str) -> str:
    """Check ``mode``: ``'zero'`` or ``'select'``."""
    if mode not in MODES:
        raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
    return mode


def check_keypoint(keypoint: np.ndarray, coord_channels: int,
                   center_joint: CenterJoint) -> np.ndarray:
    """Check a keypoint array against the transform's arguments.

    Args:
        keypoint (np.ndarray): Skeleton sequence, shape (M, T, V, C).
        coord_channels (int): Leading channels that are coordinates.
        center_joint (int | str | None): Checked against V.

    Returns:
        np.ndarray: ``keypoint`` as an array, shape (M, T, V, C).
    """
    keypoint = np.asarray(keypoint)
    if keypoint.ndim != 4:
        raise ValueError('expected keypoint of shape (M, T, V, C), '
                         f'got {keypoint.shape}')
    num_joints, num_channels = keypoint.shape[2:]
    if keypoint.size == 0:
        raise ValueError('expected a non-empty keypoint of shape '
                         f'(M, T, V, C), got {keypoint.shape}')
    if coord_channels > num_channels:
        raise ValueError(f'coord_channels={coord_channels} exceeds the '
                         f'{num_channels} channels of keypoint '
                         f'{keypoint.shape}')
    needed = (max(COCO_HIPS) if center_joint == 'hip' else
              -1 if center_joint is None else center_joint)
    if needed >= num_joints:
        raise ValueError(f'center_joint={center_joint!r} is out of range for '
                         f'V={num_joints} joints (keypoint {keypoint.shape})')
    return keypoint


def center_keypoint(
        keypoint: np.ndarray, center_joint: CenterJoint,
        coord_channels: int) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Centre a sequence on a joint (Eq. 1) and zero its missing joints.

    Only the first ``coord_channels`` channels are centred; the others (the
    keypoint score appended by ``GenSkeFeat``) are copied unchanged.

    The result is time-last, (V, C, M, T) in float64: a 2-D transpose of
    the (M·T, V·C) input, so that the centring and the statistics over time
    run on contiguous rows of T values; :func:`to_keypoint_layout` turns it
    back.

    Args:
        keypoint (np.ndarray): Checked sequence, shape (M, T, V, C).
        center_joint (int | str | None): Joint index, ``'hip'`` (midpoint
            of COCO joints 11 and 12) or None (already centred).
        coord_channels (int): Number of leading coordinate channels.

    Returns:
        tuple[np.ndarray, np.ndarray | None]: The centred copy, float64 of
        shape (V, C, M, T), and the joint validity, bool of shape
        (V, M, T), or None when every value is finite.
    """
    num_persons, num_frames, num_joints, num_channels = keypoint.shape
    seq = np.ascontiguousarray(
        keypoint.reshape(num_persons * num_frames, -1).T,
        dtype=np.float64).reshape(num_joints, num_channels, num_persons,
                                  num_frames)  # [V, C, M, T]
    flat = seq.reshape(-1)
    valid = None
    # One dot product is finite only if every value is (cheaper than
    # isfinite(...).all()); a huge but finite input whose squares overflow
    # merely takes the element-wise path.
    if not np.isfinite(flat @ flat):
        valid = np.isfinite(seq).all(axis=1)  # [V, M, T]
        seq.transpose(0, 2, 3, 1)[~valid] = 0
    if center_joint is None:
        return seq, valid
    coords = seq[:, :coord_channels]  # [V, Cc, M, T], a view
    if center_joint == 'hip':
        left, right = COCO_HIPS
        center = (coords[left] + coords[right]) / 2  # [Cc, M, T]
        center_ok = (None if valid is None else
                     valid[left] & valid[right])  # [M, T]
    else:
        center = coords[center_joint].copy()  # [Cc, M, T]
        center_ok = None if valid is None else valid[center_joint]
    coords -= center
    if valid is not None:
        valid &= center_ok
        seq.transpose(0, 2, 3, 1)[~valid] = 0
    return seq, valid


def to_keypoint_layout(seq: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """(V, C, M, T) back to mmaction2's contiguous (M, T, V, C) in ``dtype``.

    ``dtype`` is the input's if it is a float type, otherwise float32.
    """
    num_joints, num_channels, num_persons, num_frames = seq.shape
    if dtype.kind != 'f':
        dtype = np.float32
    out = np.ascontiguousarray(
        seq.reshape(num_joints * num_channels, -1).T, dtype=dtype)
    return out.reshape(num_persons, num_frames, num_joints, num_channels)


def num_masked(mask_ratio: float, num_frames: int) -> int:
    """Number of frames to mask, ⌊r_m·T⌋.

    A 1e-9 tolerance absorbs float rounding so that ``mask_ratio = 1 - k/T``
    keeps exactly k frames (``(1 - 4/5) * 5`` is 0.9999999999999998).

    Args:
        mask_ratio (float): r_m in [0, 1).
        num_frames (int): T.

    Returns:
        int: ⌊r_m·T⌋, in [0, T).
    """
    return min(math.floor(mask_ratio * num_frames + 1e-9), num_frames - 1)


def apply_frame_mask(keypoint: np.ndarray, keep: np.ndarray,
                     mode: str) -> np.ndarray:
    """Zero (``'zero'``) or drop (``'select'``) the frames not kept.

    Args:
        keypoint (np.ndarray): Sequence, shape (M, T, V, C); modified in
            place in ``'zero'`` mode.
        keep (np.ndarray): Whether each frame is kept, bool of shape (T,).
        mode (str): ``'zero'`` or ``'select'``.

    Returns:
        np.ndarray: Shape (M, T, V, C) for ``'zero'``, (M, K, V, C) with
        K = ``keep.sum()`` for ``'select'`` (kept frames in time order).
    """
    if mode == 'select':
        return keypoint[:, keep]  # [M, K, V, C]
    keypoint[:, ~keep] = 0  # [M, T, V, C]
    return keypoint
