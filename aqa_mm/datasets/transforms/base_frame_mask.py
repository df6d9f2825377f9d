"""BaseFrameMask: what the SME-GCN frame masks share.

:class:`VarianceMask`, :class:`TemporalMask` and :class:`RandomMask` take
the same arguments, centre the sequence the same way (Eq. 1 of 2M-AF, ACM
MM 2024, §3.1) and zero or drop whole frames; they differ only in which
frames they keep. Subclasses implement :meth:`BaseFrameMask.keep_frames`.
Not registered.
"""
from typing import Dict, Optional, Tuple

import numpy as np
from mmcv.transforms import BaseTransform

from .mask_utils import (CenterJoint, apply_frame_mask, center_keypoint,
                         check_center_joint, check_int, check_keypoint,
                         check_mask_ratio, check_mode, to_keypoint_layout)


class BaseFrameMask(BaseTransform):
    """Centre on a joint, then zero (or drop) the frames a subclass masks.

    Centring: the first ``coord_channels`` channels are coordinates and are
    centred on ``center_joint``; the others (the keypoint score that
    ``GenSkeFeat`` appends) are copied unchanged. A joint with a NaN or ±inf
    channel, or whose centre joint is missing in that frame, is written out
    as zeros (see :mod:`.mask_utils`).

    Required Keys:

        - keypoint (np.ndarray): shape (M, T, V, C)

    Modified Keys (``out_key='keypoint'``):

        - keypoint: shape (M, T, V, C), or (M, K, V, C) in ``'select'`` mode

    Added Keys (``out_key`` other than ``'keypoint'``):

        - out_key: as above; ``keypoint`` is left untouched

    Args:
        mask_ratio (float): Mask ratio r_m in [0, 1).
        center_joint (int | str, optional): Joint m of Eq. 1; ``'hip'`` for
            the midpoint of COCO joints 11 and 12; None if the input is
            already centred. Defaults to 8, as in the paper.
        coord_channels (int): Number of leading coordinate channels (2 for
            2-D keypoints with or without a score, 3 for 3-D).
            Defaults to 2.
        mode (str): ``'zero'`` (zero the masked frames) or ``'select'``
            (drop them; the output has K frames). Defaults to ``'zero'``.
        out_key (str): Key to write the masked sequence to.
            Defaults to ``'keypoint'``.
    """

    #: Argument names shown by ``__repr__``, in order (subclasses extend).
    repr_args: Tuple[str, ...] = ('mask_ratio', 'center_joint',
                                  'coord_channels', 'mode', 'out_key')

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

    def keep_frames(self, coords: np.ndarray,
                    valid: Optional[np.ndarray]) -> np.ndarray:
        """Which frames survive the mask.

        Args:
            coords (np.ndarray): Centred coordinates, float64, time-last
                (V, Cc, M, T); missing joints are 0.
            valid (np.ndarray, optional): Joint validity, bool (V, M, T);
                None when every joint is valid.

        Returns:
            np.ndarray: bool of shape (T,), True for kept frames.
        """
        raise NotImplementedError

    def transform(self, results: Dict) -> Dict:
        """Centre and mask ``results['keypoint']``; see the class docstring.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        keypoint = check_keypoint(results['keypoint'], self.coord_channels,
                                  self.center_joint)
        seq, valid = center_keypoint(keypoint, self.center_joint,
                                     self.coord_channels)  # [V, C, M, T]
        keep = self.keep_frames(seq[:, :self.coord_channels], valid)  # [T]
        out = to_keypoint_layout(seq, keypoint.dtype)  # [M, T, V, C]
        results[self.out_key] = apply_frame_mask(out, keep, self.mode)
        return results

    def __repr__(self) -> str:
        args = ', '.join(f'{name}={getattr(self, name)!r}'
                         for name in self.repr_args)
        return f'{self.__class__.__name__}({args})'
