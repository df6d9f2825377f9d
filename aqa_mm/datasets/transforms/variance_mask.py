"""VarianceMask: the variance mask of SME-GCN.

Follows 2M-AF (ACM MM 2024), §3.1 "Masking strategy", Eq. 1-3.
"""
import math
from functools import lru_cache
from typing import Optional

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from aqa_mm.registry import TRANSFORMS
from .base_frame_mask import BaseFrameMask
from .mask_utils import CenterJoint, check_int, num_masked

_EPS = np.finfo(np.float64).eps


@lru_cache(maxsize=64)
def _window_bounds(num_frames: int, window: int) -> tuple:
    """First frame and one past the last frame of each clipped window,
    ``max(0, t − k)`` and ``min(T − 1, t + k) + 1``: two int arrays (T,)."""
    t = np.arange(num_frames)  # [T]
    lo = np.maximum(t - window, 0)
    hi = np.minimum(t + window, num_frames - 1) + 1
    lo.setflags(write=False)
    hi.setflags(write=False)
    return lo, hi


def alteration_degree(coords: np.ndarray, valid: Optional[np.ndarray],
                      window: int) -> np.ndarray:
    """Alteration degree D(t) of Eq. 2, summed over persons.

    D(t) = Σ_m Σ_c Σ_v Σ_j (x_{c,v,m,j} − x̄_{c,v,m,t})², with j over the
    clipped window [max(0, t−k), min(T−1, t+k)] and x̄ the mean over that
    window. Missing joints (``valid`` False) are left out of the sums and
    of the mean; a (joint, person) with no valid frame in a window adds 0.

    Per row (one coordinate of one joint of one person), with n the number
    of valid frames of the window, Σ_j (x_j − x̄)² = Σ_j x_j² − (Σ_j x_j)²/n.
    The three window sums (n, Σx, Σx²) are differences of prefix sums over
    time, P[hi] − P[lo], so the whole computation is a handful of array
    operations in float64 with no loop over frames. Each row is first
    shifted by its frame-0 value (D does not change), which keeps the sums
    small; a sequence that does not move gives exactly 0, and a D within
    the prefix sums' rounding error of 0 is set to 0, so static frames tie
    (the tie rule of :class:`VarianceMask`). Frames with the same clipped
    window get bit-identical values.

    Args:
        coords (np.ndarray): Centred coordinates, time-last, shape
            (V, Cc, M, T) (see :func:`.mask_utils.center_keypoint`);
            missing joints already zeroed.
        valid (np.ndarray, optional): Joint validity, bool of shape
            (V, M, T). None means every joint is valid.
        window (int): Half-window k >= 0.

    Returns:
        np.ndarray: D, float64 of shape (T,), >= 0.
    """
    num_frames = coords.shape[-1]
    rows = coords.reshape(-1, num_frames)  # [R, T], R = V * Cc * M
    weight = np.ones_like(rows) if valid is None else np.broadcast_to(
        valid[:, None], coords.shape).reshape(rows.shape)  # [R, T]
    # prefix[:, r, t] = n, Σx, Σx² of row r over frames 0..t-1
    prefix = np.zeros((3, ) + rows.shape[:1] + (num_frames + 1, ))
    n, x, xx = prefix[..., 1:]  # [R, T] views, filled in place
    n[:] = weight
    np.subtract(rows, rows[:, :1], out=x)  # shifted by frame 0
    x *= weight  # 0 where missing
    np.multiply(x, x, out=xx)
    np.cumsum(prefix, axis=2, out=prefix)  # [3, R, T + 1]
    lo, hi = _window_bounds(num_frames, min(window, num_frames - 1))
    count, total, sq_total = prefix[..., hi] - prefix[..., lo]  # [R, T]
    degree = (sq_total - total * total / np.maximum(count, 1)).sum(axis=0)
    # rounding error of the prefix-sum differences: a static window
    energy = prefix[2].sum(axis=0)  # [T + 1]
    bound = 8 * math.log2(num_frames + 2) * _EPS * (energy[hi] + energy[lo])
    degree[degree <= bound] = 0
    return degree  # [T]


@TRANSFORMS.register_module()
class VarianceMask(BaseFrameMask):
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

    Required, modified and added keys: as :class:`BaseFrameMask`
    (``keypoint`` in, ``out_key`` out).

    Args:
        mask_ratio (float): Mask ratio r_m in [0, 1).
        window (int): Half-window k >= 0 of Eq. 2 (the window is 2k + 1
            frames, clipped at the ends of the clip).
        center_joint (int | str, optional): Joint m of Eq. 1, as in
            :class:`BaseFrameMask`. Defaults to 8, as in the paper.
        coord_channels (int): Leading coordinate channels, as in
            :class:`BaseFrameMask`. Defaults to 2.
        mode (str): ``'zero'`` (Eq. 3) or ``'select'`` (drop the masked
            frames). Defaults to ``'zero'``.
        out_key (str): Key to write the masked sequence to.
            Defaults to ``'keypoint'``.
    """

    repr_args = ('mask_ratio', 'window', 'center_joint', 'coord_channels',
                 'mode', 'out_key')

    def __init__(self,
                 mask_ratio: float,
                 window: int,
                 center_joint: CenterJoint = 8,
                 coord_channels: int = 2,
                 mode: str = 'zero',
                 out_key: str = 'keypoint') -> None:
        super().__init__(mask_ratio, center_joint, coord_channels, mode,
                         out_key)
        self.window = check_int('window', window, 0)

    def keep_frames(self, coords: np.ndarray,
                    valid: Optional[np.ndarray]) -> np.ndarray:
        """All frames but the ⌊r_m·T⌋ of lowest D, earliest first on ties
        (Eq. 3; bool, (T,))."""
        num_frames = coords.shape[-1]
        keep = np.ones(num_frames, dtype=bool)  # [T]
        masked = num_masked(self.mask_ratio, num_frames)
        if masked:
            degree = alteration_degree(coords, valid, self.window)  # [T]
            keep[np.argsort(degree, kind='stable')[:masked]] = False
        return keep
