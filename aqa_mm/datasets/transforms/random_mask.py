"""RandomMask: the random frame mask of the paper's masking ablation.

2M-AF Table 7 compares variance+temporal views (the method) with
temporal+random and variance+random; this is the random view.
"""
from typing import Optional

import numpy as np
from mmcv.transforms.utils import cache_randomness

from aqa_mm.registry import TRANSFORMS
from .base_frame_mask import BaseFrameMask
from .mask_utils import num_masked


@TRANSFORMS.register_module()
class RandomMask(BaseFrameMask):
    """Centre on a joint, then mask ⌊r_m·T⌋ frames chosen at random.

    Same arguments and output as :class:`TemporalMask`, except that the
    masked frames are drawn uniformly without replacement on every call
    (numpy's global RNG, which mmengine seeds per worker).

    Required Keys: ``keypoint`` (M, T, V, C).
    Added / Modified Keys: ``out_key``.

    Args:
        mask_ratio (float): r_m in [0, 1).
        center_joint (int | str | None): Centre joint, ``'hip'``, or None
            (already centred). Defaults to 8 (the paper's).
        coord_channels (int): Leading coordinate channels. Defaults to 2.
        mode (str): ``'zero'`` (zero masked frames) or ``'select'`` (drop
            them). Defaults to ``'zero'``.
        out_key (str): Where to write the view. Defaults to ``'keypoint'``.
    """

    @cache_randomness
    def _masked_frames(self, num_frames: int) -> np.ndarray:
        """Random distinct frames to mask, int of shape (⌊r_m·T⌋,)."""
        return np.random.choice(num_frames,
                                num_masked(self.mask_ratio, num_frames),
                                replace=False)

    def keep_frames(self, coords: np.ndarray,
                    valid: Optional[np.ndarray]) -> np.ndarray:
        """All frames but ⌊r_m·T⌋ random ones (bool, (T,))."""
        keep = np.ones(coords.shape[-1], dtype=bool)  # [T]
        keep[self._masked_frames(coords.shape[-1])] = False
        return keep
