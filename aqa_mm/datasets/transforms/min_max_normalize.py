"""MinMaxNormalize: per-clip, per-channel min-max scaling of skeletons.

The normalisation of the official CTR-GCN NW-UCLA feeder: every coordinate
channel is mapped to [-1, 1] by the minimum and maximum it takes over all
persons, frames and joints of the clip. mmaction2 has no such transform.
"""
from typing import Dict

import numpy as np
from mmcv.transforms import BaseTransform

from aqa_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class MinMaxNormalize(BaseTransform):
    """Scale each coordinate channel of a clip to ``[low, high]``.

    A channel that is constant over the clip (a 1-frame clip with all joints
    at the same height, say) has no range: it is set to the midpoint of
    ``[low, high]`` rather than divided by zero. NaN or inf values are
    missing joints: they are left out of the range and stay non-finite.

    Required keys: ``keypoint`` (M, T, V, C). Modified keys: ``keypoint``
    (float32, same shape; only the first ``coord_channels`` channels change).

    Args:
        low (float): Value of each channel's minimum. Defaults to -1.
        high (float): Value of each channel's maximum. Defaults to 1.
        coord_channels (int | None): Leading channels to normalise (2 leaves
            a 2D score channel alone); ``None`` for all. Defaults to None.
    """

    def __init__(self, low: float = -1.0, high: float = 1.0,
                 coord_channels=None) -> None:
        if not low < high:
            raise ValueError(f'MinMaxNormalize: low ({low}) must be below '
                             f'high ({high})')
        self.low, self.high = float(low), float(high)
        self.coord_channels = coord_channels

    def transform(self, results: Dict) -> Dict:
        """Normalise ``results['keypoint']``.

        Args:
            results (dict): Needs ``keypoint`` of shape (M, T, V, C).

        Returns:
            dict: ``results`` with the normalised ``keypoint``.
        """
        keypoint = np.asarray(results['keypoint'], dtype=np.float32)
        if keypoint.ndim != 4:
            raise ValueError('MinMaxNormalize expects keypoint of shape '
                             f'(M, T, V, C), got {keypoint.shape} for '
                             f'{results.get("frame_dir", "this sample")}')
        keypoint = keypoint.copy()
        num = keypoint.shape[-1] if self.coord_channels is None \
            else self.coord_channels
        coords = keypoint[..., :num].reshape(-1, num)  # [M*T*V, c]
        # NaN / inf are missing joints: they neither set the range nor
        # change; a channel without two distinct finite values has no range
        # and its finite values go to the midpoint
        finite = np.isfinite(coords)  # [M*T*V, c]
        lo = np.where(finite, coords, np.inf).min(axis=0)  # [c]
        hi = np.where(finite, coords, -np.inf).max(axis=0)  # [c]
        with np.errstate(invalid='ignore'):
            span = hi - lo  # [c]; -inf when no value is finite
            has_range = span > 0
            unit = np.where(has_range,
                            (coords - lo) / np.where(has_range, span, 1),
                            0.5)  # [M*T*V, c] in [0, 1]
            scaled = np.where(finite, self.low + unit * (self.high - self.low),
                              coords)
        keypoint[..., :num] = scaled.reshape(keypoint[..., :num].shape)
        results['keypoint'] = keypoint
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(low={self.low}, high={self.high}, '
                f'coord_channels={self.coord_channels})')
