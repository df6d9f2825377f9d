"""TemporalMask: the temporal (interval) mask of SME-GCN.

Follows 2M-AF (ACM MM 2024), §3.1 "Masking strategy": the second view keeps
frames at regular intervals and masks the rest.
"""
from functools import lru_cache
from typing import Optional

import numpy as np

from aqa_mm.registry import TRANSFORMS
from .base_frame_mask import BaseFrameMask
from .mask_utils import num_masked


@lru_cache(maxsize=64)
def interval_frames(num_frames: int, num_keep: int, mode: str) -> np.ndarray:
    """Indices of the frames an interval mask keeps.

    ``'zero'``: the centre of each of ``num_keep`` equal segments,
    ⌊(i + ½)·T / K⌋, so consecutive kept frames are ⌊T/K⌋ or ⌈T/K⌉ apart
    and the kept frames span the whole clip.
    ``'select'``: the authors' released code, frames ``T % K :: T // K``
    (also K frames, stride ⌊T/K⌋, starting at T mod K).

    Args:
        num_frames (int): T >= 1.
        num_keep (int): K, 1 <= K <= T.
        mode (str): ``'zero'`` or ``'select'``.

    Returns:
        np.ndarray: Sorted, distinct frame indices, int of shape (K);
        read-only (cached).
    """
    if mode == 'select':
        stride = num_frames // num_keep
        frames = np.arange(num_frames % num_keep, num_frames, stride)  # [K]
    else:
        segment = np.arange(num_keep) * 2 + 1  # [K]
        frames = segment * num_frames // (2 * num_keep)  # [K]
    frames.setflags(write=False)
    return frames


@TRANSFORMS.register_module()
class TemporalMask(BaseFrameMask):
    """Keep frames at regular intervals, mask the rest (SME-GCN).

    Centres every joint on ``center_joint`` (Eq. 1 of the paper), then keeps
    K = T − ⌊r_m·T⌋ frames spread evenly over the clip (see
    :func:`interval_frames`) and zeroes every joint and channel of the other
    frames. With T = 103, r_m = 0.69 / 0.38 keep 32 / 64 frames, as in the
    paper's Table 6. Its third setting, 16 frames, needs r_m ≥ 87/103 ≈
    0.8447: the printed r_m = 0.84 masks ⌊86.52⌋ = 86 frames and keeps 17.

    ``mode='select'`` is the authors' released-code variant: it keeps
    frames ``T % K :: T // K`` and drops the rest, so the output has K
    frames. Its frames differ from ``'zero'`` mode's (for K > T/2 they are
    the last K frames).

    Centring and missing values are handled as in :class:`VarianceMask`:
    the first ``coord_channels`` channels are centred, the others (the
    keypoint score) are copied; a joint with a NaN or ±inf channel, or whose
    centre joint is missing, is zeroed.

    Required, modified and added keys: as :class:`BaseFrameMask`
    (``keypoint`` in, ``out_key`` out).

    Args:
        mask_ratio (float): Mask ratio r_m in [0, 1).
        center_joint (int | str, optional): Joint m of Eq. 1, as in
            :class:`BaseFrameMask`. Defaults to 8, as in the paper.
        coord_channels (int): Leading coordinate channels, as in
            :class:`BaseFrameMask`. Defaults to 2.
        mode (str): ``'zero'`` (zero the masked frames) or ``'select'``
            (the authors' frames, masked frames dropped).
            Defaults to ``'zero'``.
        out_key (str): Key to write the masked sequence to.
            Defaults to ``'keypoint'``.
    """

    def keep_frames(self, coords: np.ndarray,
                    valid: Optional[np.ndarray]) -> np.ndarray:
        """K = T − ⌊r_m·T⌋ frames at regular intervals (bool, (T,))."""
        num_frames = coords.shape[-1]
        num_keep = num_frames - num_masked(self.mask_ratio, num_frames)
        keep = np.zeros(num_frames, dtype=bool)  # [T]
        keep[interval_frames(num_frames, num_keep, self.mode)] = True
        return keep
