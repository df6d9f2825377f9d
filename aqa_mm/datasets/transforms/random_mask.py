"""RandomMask: the random frame mask of the paper's masking ablation.

2M-AF Table 7 compares variance+temporal views (the method) with
temporal+random and variance+random; this is the random view.
"""
from typing import Dict

import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness

from aqa_mm.registry import TRANSFORMS
from .mask_utils import (CenterJoint, apply_frame_mask, center_keypoint,
                         check_center_joint, check_int, check_keypoint,
                         check_mask_ratio, check_mode, num_masked,
                         to_keypoint_layout)


@TRANSFORMS.register_module()
class RandomMask(BaseTransform):
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

    def __init__(self,
                 mask_ratio: float,
                 center_joint: CenterJoint = 8,
                 coord_channels: int = 2,
                 mode: str = 'zero',
                 out_key: str = 'keypoint') -> None:
        self.mask_ratio = check_mask_ratio(mask_ratio)
        self.center_joint = check_center_joint(center_joint)
        self.coord_channels = check_int('coord_channels', coord_channels, 1)
        self.mode = check_mode(mode)
        self.out_key = out_key

    @cache_randomness
    def _masked_frames(self, num_frames: int) -> np.ndarray:
        """Random distinct frames to mask, int of shape (⌊r_m·T⌋,)."""
        return np.random.choice(num_frames,
                                num_masked(self.mask_ratio, num_frames),
                                replace=False)

    def transform(self, results: Dict) -> Dict:
        """Centre and mask ``results['keypoint']``; see the class docstring.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        keypoint = check_keypoint(results['keypoint'], self.coord_channels,
                                  self.center_joint)
        seq, _ = center_keypoint(keypoint, self.center_joint,
                                 self.coord_channels)  # [V, C, M, T]
        out = to_keypoint_layout(seq, keypoint.dtype)  # [M, T, V, C]
        keep = np.ones(out.shape[1], dtype=bool)  # [T]
        keep[self._masked_frames(out.shape[1])] = False
        results[self.out_key] = apply_frame_mask(out, keep, self.mode)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'mask_ratio={self.mask_ratio}, '
                f'center_joint={self.center_joint!r}, '
                f'coord_channels={self.coord_channels}, '
                f'mode={self.mode!r}, '
                f'out_key={self.out_key!r})')
