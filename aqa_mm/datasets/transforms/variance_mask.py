"""VarianceMask: the variance mask of SME-GCN.

Follows 2M-AF (ACM MM 2024), §3.1 "Masking strategy", Eq. 1-3.
"""
import math
from functools import lru_cache
from typing import Dict, Optional

import numpy as np
from mmcv.transforms import BaseTransform

from aqa_mm.registry import TRANSFORMS
from .mask_utils import (COCO_HIPS, CenterJoint, apply_frame_mask,
                         center_keypoint,
                         check_center_joint, check_int, check_keypoint,
                         check_mask_ratio, check_mode, num_masked,
                         to_keypoint_layout)

_EPS = np.finfo(np.float64).eps


@lru_cache(maxsize=64)
def _window_sizes(num_frames: int, window: int) -> np.ndarray:
    """Lengths of the clipped windows [max(0, t−k), min(T−1, t+k)].

    Returns a read-only float64 array of shape (T,).
    """
    t = np.arange(num_frames)  # [T]
    size = np.minimum(t + window + 1, num_frames) - np.maximum(t - window, 0)
    size = size.astype(np.float64)  # [T]
    size.setflags(write=False)
    return size


@lru_cache(maxsize=64)
def _centre_columns(joints: int, channels: int, coord_channels: int,
                    center_joint: CenterJoint) -> tuple:
    """Column indices and weights that centre a (M·T, V·C) row block.

    ``rows - weight * Σ_i take(rows, columns[i])`` subtracts the centre
    joint (or the hip midpoint) from the coordinate channels of every joint.
    """
    centres = COCO_HIPS if center_joint == 'hip' else (center_joint, )
    channel = np.tile(np.arange(channels), joints)  # [V*C]
    columns = tuple(c * channels + channel for c in centres)
    weight = (channel < coord_channels) / len(centres)  # [V*C]
    return columns, weight


@lru_cache(maxsize=64)
def _same_window_index(num_frames: int, window: int) -> np.ndarray:
    """For each frame, the first frame with the same clipped window, (T,)."""
    t = np.arange(num_frames)
    key = np.maximum(t - window, 0) * num_frames + np.minimum(
        t + window, num_frames - 1)
    _, first, inverse = np.unique(key, return_index=True,
                                  return_inverse=True)
    index = first[inverse]
    index.setflags(write=False)
    return index


def _degree_from_sums(sq_sum: np.ndarray, n_mean_sq: np.ndarray,
                      window: int) -> np.ndarray:
    """D = Σx² − (Σx)²/n, with values within rounding error of 0 set to 0.

    D is a difference of sums; below a few ulps of the window's Σx² it is
    numerically 0 (a static window): making it exactly 0 lets the tie rule
    apply.
    """
    degree = sq_sum - n_mean_sq  # [T]
    tolerance = 16 * math.log2(2 * window + 2) * _EPS
    degree[degree <= tolerance * sq_sum] = 0
    return degree


def _window_sum_rows(padded: np.ndarray, num_frames: int,
                     width: int) -> np.ndarray:
    """Sums over ``width`` consecutive rows of a zero-padded (T + 2k, R).

    Row t of the result sums ``padded[t:t + width]``, i.e. frame t's
    clipped window. Blocks of 1, 2, 4, ... rows are built by doubling and
    each window is assembled from the blocks of the binary digits of the
    width: O(log k) contiguous array operations, no prefix sums.

    Returns:
        np.ndarray: Shape (T, R).
    """
    total, offset, size, blocks = None, 0, 1, padded
    while True:  # blocks[i] = padded[i] + ... + padded[i + size - 1]
        if width & size:
            part = blocks[offset:offset + num_frames]
            total = part.copy() if total is None else np.add(total, part,
                                                             out=total)
            offset += size
        if 2 * size > width:
            return total
        blocks = blocks[:-size] + blocks[size:]
        size *= 2


def alteration_degree_dense(seq: np.ndarray, coord_channels: int,
                            window: int) -> np.ndarray:
    """D(t) of Eq. 2 for a sequence without missing values (the fast path).

    Same result as :func:`alteration_degree` with ``valid=None``, but in
    mmaction2's (M, T, V, C) layout, which for M = 1 needs no transpose: the
    non-coordinate channels are zeroed in a time-major (T, V·C) copy
    instead of sliced away.

    Args:
        seq (np.ndarray): Centred sequence, float64 (M, T, V, C).
        coord_channels (int): Leading channels that enter D.
        window (int): Half-window k >= 0.

    Returns:
        np.ndarray: D, float64 of shape (T,), >= 0.
    """
    persons, num_frames, joints, channels = seq.shape
    window = min(window, num_frames - 1)
    rows = seq.reshape(persons, num_frames, joints * channels)
    rows = rows[0] if persons == 1 else rows.transpose(1, 0, 2).reshape(
        num_frames, -1)  # [T, R]
    num_rows = rows.shape[1]
    # columns 0..R-1: coordinates shifted by frame 0 (D unchanged, sums
    # small); column R: their squares summed per frame. k zero rows of
    # padding on both sides make every window a plain slice.
    padded = np.zeros((num_frames + 2 * window, num_rows + 1))
    shifted = padded[window:window + num_frames, :num_rows]  # [T, R]
    np.subtract(rows, rows[0], out=shifted)
    if coord_channels < channels:
        shifted.reshape(num_frames, -1, channels)[..., coord_channels:] = 0
    np.einsum('tr,tr->t', shifted, shifted,
              out=padded[window:window + num_frames, num_rows])
    sums = _window_sum_rows(padded, num_frames, 2 * window + 1)  # [T, R+1]
    sq_sum, sums = sums[:, num_rows], sums[:, :num_rows]
    n_mean_sq = np.einsum('tr,tr->t', sums, sums)
    n_mean_sq /= _window_sizes(num_frames, window)
    degree = _degree_from_sums(sq_sum, n_mean_sq, window)
    if num_frames <= 2 * window + 1:
        # Frames whose clipped windows are the same set have the same D,
        # but their sums were added in different orders; copy one value
        # so that they tie exactly, as the tie rule expects.
        degree = degree[_same_window_index(num_frames, window)]
    return degree


def _window_sum(x: np.ndarray, window: int) -> np.ndarray:
    """Sums of ``x`` over the clipped windows of Eq. 2 along the last axis.

    Each row is padded with k zeros on both sides, so the clipped window of
    frame t is ``padded[t:t + 2k + 1]``. Sums of blocks of 1, 2, 4, ...
    frames are built by doubling, and each window is put together from the
    blocks of the binary digits of 2k + 1: O(log k) array operations, no
    loop over frames, and plain sums of a window's own values (no
    prefix-sum cancellation). The rows are laid end to end in one flat
    array so that every operation is contiguous; a block that would run
    past the end of its row is never read.

    Args:
        x (np.ndarray): Values, shape (..., T).
        window (int): Half-window k.

    Returns:
        np.ndarray: Window sums, float64 of shape (..., T).
    """
    num_frames = x.shape[-1]
    width, length = 2 * window + 1, num_frames + 2 * window
    num_rows = x.size // num_frames
    size_flat = num_rows * length
    blocks = np.zeros(size_flat + 2 * window)  # [R * (T + 2k) + 2k]
    padded = blocks[:size_flat].reshape(num_rows, length)  # [R, T + 2k]
    padded[:, window:window + num_frames] = x.reshape(num_rows, num_frames)
    total, offset, size = None, 0, 1
    while True:  # now blocks[i] = padded.flat[i] + ... + [i + size - 1]
        if width & size:
            part = blocks[offset:offset + size_flat]  # [R * (T + 2k)]
            total = part.copy() if total is None else np.add(total, part,
                                                             out=total)
            offset += size
        if 2 * size > width:
            break
        blocks = blocks[:-size] + blocks[size:]
        size *= 2
    total = total.reshape(num_rows, length)[:, :num_frames]  # [R, T]
    return total.reshape(x.shape)


def alteration_degree(coords: np.ndarray, valid: Optional[np.ndarray],
                      window: int) -> np.ndarray:
    """Alteration degree D(t) of Eq. 2, summed over persons.

    D(t) = Σ_m Σ_c Σ_v Σ_j (x_{c,v,m,j} − x̄_{c,v,m,t})², with j over the
    clipped window [max(0, t−k), min(T−1, t+k)] and x̄ the mean over that
    window. Missing joints (``valid`` False) are left out of the sums and
    of the mean; a (joint, person) with no valid frame in a window adds 0.

    Computed without a loop over frames, in float64: Σ_j (x_j − x̄)² =
    Σ_j x_j² − (Σ_j x_j)² / n, with the window sums of
    :func:`_window_sum`. Each row is first shifted by its value in frame 0
    (D does not change), which keeps the sums small and limits the
    cancellation in that difference. A D within rounding error of 0 (a
    static window) is returned as exactly 0, so static frames tie.

    Args:
        coords (np.ndarray): Centred coordinates, time-last, shape
            (V, Cc, M, T) (see :func:`center_keypoint`); missing joints
            already zeroed.
        valid (np.ndarray, optional): Joint validity, bool of shape
            (V, M, T). None means every joint is valid.
        window (int): Half-window k >= 0.

    Returns:
        np.ndarray: D, float64 of shape (T,), >= 0.
    """
    num_frames = coords.shape[-1]
    window = min(window, num_frames - 1)  # wider windows are the same
    num_rows = coords[..., 0].size  # V * Cc * M
    # One array for one _window_sum call: rows 0..R-1 are the coordinates
    # shifted by frame 0, row R their squares summed over the rows.
    rows = np.empty((num_rows + 1, num_frames))  # [R + 1, T]
    shifted = rows[:-1].reshape(coords.shape)  # [V, Cc, M, T], a view
    np.subtract(coords, coords[..., :1], out=shifted)
    if valid is not None:
        shifted *= valid[:, None]
    np.einsum('rt,rt->t', rows[:-1], rows[:-1], out=rows[-1])
    sums = _window_sum(rows, window)  # [R + 1, T]
    sq_sum, sums = sums[-1], sums[:-1]  # [T], [R, T]
    if valid is None:
        n_mean_sq = np.einsum('rt,rt->t', sums, sums)
        n_mean_sq /= _window_sizes(num_frames, window)  # [T]
    else:
        count = _window_sum(valid, window)[:, None]  # [V, 1, M, T]
        sums = sums.reshape(coords.shape)  # [V, Cc, M, T]
        n_mean_sq = (sums * sums / np.maximum(count, 1)).sum(axis=(0, 1, 2))
    return _degree_from_sums(sq_sum, n_mean_sq, window)


@TRANSFORMS.register_module()
class VarianceMask(BaseTransform):
    """Mask the frames that change least (SME-GCN variance mask, Eq. 1-3).

    1. Centre every joint on ``center_joint`` (Eq. 1).
    2. Compute the alteration degree D(t) (Eq. 2), the spread of the
       coordinates in a window of ±``window`` frames clipped to the clip.
    3. Zero the ⌊r_m·T⌋ frames of lowest D (Eq. 3): every joint and channel
       of a masked frame is 0. Ties are broken by earlier frame first, so
       exactly ⌊r_m·T⌋ frames are masked even on a static sequence; without
       ties this is Eq. 3's ``D(t) < α`` exactly.

    Channels: the first ``coord_channels`` channels are coordinates; they
    are centred and they alone enter D. The other channels (the keypoint
    score that ``GenSkeFeat`` appends) are neither centred nor part of D:
    detector confidence is not motion. They are zeroed in masked frames.

    Several persons (M > 1): a frame is masked for all persons at once, and
    D(t) is the sum of the persons' D (see :func:`alteration_degree`).

    Missing values: a joint with a NaN or ±inf channel is zeroed in the
    output and left out of D (see :func:`alteration_degree`); so is every
    joint of a person in a frame where its centre joint is missing.

    ``mode='select'`` is the authors' released-code variant: instead of
    zeroing, it keeps the T − ⌊r_m·T⌋ unmasked frames (highest D) in time
    order, so the output has fewer frames. The variance score is our D.

    Only ``keypoint`` is read: run it after ``GenSkeFeat`` (which merges
    ``keypoint_score`` into the last channel) and ``PoseDecode``.

    Required Keys:

        - keypoint (np.ndarray): shape (M, T, V, C)

    Modified Keys (``out_key='keypoint'``):

        - keypoint: shape (M, T, V, C), or (M, K, V, C) in ``'select'`` mode

    Added Keys (``out_key`` other than ``'keypoint'``):

        - out_key: as above; ``keypoint`` is left untouched

    Args:
        mask_ratio (float): Mask ratio r_m in [0, 1).
        window (int): Half-window k >= 0 of Eq. 2 (the window is 2k + 1
            frames, clipped at the ends of the clip).
        center_joint (int | str, optional): Joint m of Eq. 1; ``'hip'`` for
            the midpoint of COCO joints 11 and 12; None if the input is
            already centred. Defaults to 8, as in the paper.
        coord_channels (int): Number of leading coordinate channels (2 for
            2-D keypoints with or without a score, 3 for 3-D).
            Defaults to 2.
        mode (str): ``'zero'`` (Eq. 3) or ``'select'`` (drop the masked
            frames). Defaults to ``'zero'``.
        out_key (str): Key to write the masked sequence to.
            Defaults to ``'keypoint'``.
    """

    def __init__(self,
                 mask_ratio: float,
                 window: int,
                 center_joint: CenterJoint = 8,
                 coord_channels: int = 2,
                 mode: str = 'zero',
                 out_key: str = 'keypoint') -> None:
        self.mask_ratio = check_mask_ratio(mask_ratio)
        self.window = check_int('window', window, 0)
        self.center_joint = check_center_joint(center_joint)
        self.coord_channels = check_int('coord_channels', coord_channels, 1)
        self.mode = check_mode(mode)
        self.out_key = out_key

    def transform(self, results: Dict) -> Dict:
        """Centre and mask ``results['keypoint']``; see the class docstring.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        keypoint = check_keypoint(results['keypoint'], self.coord_channels,
                                  self.center_joint)
        out = self._transform_dense(keypoint)
        if out is not None:
            results[self.out_key] = out
            return results
        seq, valid = center_keypoint(keypoint, self.center_joint,
                                     self.coord_channels)  # [V, C, M, T]
        num_frames = seq.shape[-1]
        keep = np.ones(num_frames, dtype=bool)  # [T]
        masked = num_masked(self.mask_ratio, num_frames)
        if masked:
            degree = alteration_degree(seq[:, :self.coord_channels], valid,
                                       self.window)  # [T]
            keep[np.argsort(degree, kind='stable')[:masked]] = False
        out = to_keypoint_layout(seq, keypoint.dtype)  # [M, T, V, C]
        results[self.out_key] = apply_frame_mask(out, keep, self.mode)
        return results

    def _transform_dense(self, keypoint: np.ndarray) -> Optional[np.ndarray]:
        """Fast path for a sequence with no NaN/inf (the common case).

        Works in mmaction2's (M, T, V, C) layout throughout; returns None
        when the input has non-finite values, which take the general path.
        """
        seq = keypoint.astype(np.float64)  # [M, T, V, C], a copy
        flat = seq.reshape(-1)
        if not np.isfinite(flat @ flat):
            return None
        cc = self.coord_channels
        if self.center_joint is not None:
            persons, frames, joints, channels = seq.shape
            rows = seq.reshape(persons * frames, joints * channels)
            # gather each row's centre joint under every joint (one np.take
            # per centre joint: much cheaper than broadcasting over C = 3)
            columns, weight = _centre_columns(joints, channels, cc,
                                              self.center_joint)
            centre = np.take(rows, columns[0], axis=1)  # [M*T, V*C]
            for extra in columns[1:]:
                centre += np.take(rows, extra, axis=1)
            centre *= weight  # averages; 0 for non-coordinate channels
            rows -= centre
        num_frames = seq.shape[1]
        keep = np.ones(num_frames, dtype=bool)  # [T]
        masked = num_masked(self.mask_ratio, num_frames)
        if masked:
            degree = alteration_degree_dense(seq, cc, self.window)
            keep[np.argsort(degree, kind='stable')[:masked]] = False
        dtype = keypoint.dtype if keypoint.dtype.kind == 'f' else np.float32
        return apply_frame_mask(seq.astype(dtype), keep, self.mode)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'mask_ratio={self.mask_ratio}, '
                f'window={self.window}, '
                f'center_joint={self.center_joint!r}, '
                f'coord_channels={self.coord_channels}, '
                f'mode={self.mode!r}, '
                f'out_key={self.out_key!r})')
