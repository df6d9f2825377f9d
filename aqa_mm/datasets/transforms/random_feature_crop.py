"""RandomFeatureCrop: GDLT's temporal crop of a clip-feature sequence.

Training in GDLT (Xu et al., CVPR 2022, https://github.com/xuangch/
CVPR22_GDLT, ``datasets.py``) takes ``clip_num`` consecutive clips at a
random start from sequences that are longer, and keeps shorter ones whole
(GDLT zero-pads them to ``clip_num``; here the padding and its mask come
from :class:`~aqa_mm.models.data_preprocessors.SequenceDataPreprocessor`).
Testing uses the whole sequence: leave this transform out of the test
pipeline.
"""
from typing import Dict, Sequence

import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness

from aqa_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomFeatureCrop(BaseTransform):
    """Crop ``clip_num`` consecutive rows of (T, C) feature sequences.

    All ``keys`` are cropped with the same window (they must share T). A
    sequence with T ≤ ``clip_num`` is left unchanged.

    Required Keys: ``keys`` (each (T, C)). Modified Keys: ``keys``
    (min(T, clip_num), C).

    Args:
        clip_num (int): Clips kept. GDLT: 124 on Fis-V, 68 on RG.
        keys (Sequence[str]): Sequences to crop. Defaults to
            ``('feat_rgb',)``.
    """

    def __init__(self, clip_num: int,
                 keys: Sequence[str] = ('feat_rgb', )) -> None:
        if not isinstance(clip_num, int) or clip_num < 1:
            raise ValueError('RandomFeatureCrop: clip_num must be an int >= 1,'
                             f' got {clip_num!r}')
        self.clip_num = clip_num
        self.keys = tuple(keys)

    @cache_randomness
    def _start(self, total: int) -> int:
        return int(np.random.randint(0, total - self.clip_num + 1))

    def transform(self, results: Dict) -> Dict:
        """Crop every key of ``results`` with one random window."""
        lengths = {}
        for key in self.keys:
            if key not in results:
                raise KeyError(f'RandomFeatureCrop: no {key!r} in the sample '
                               f"{results.get('frame_dir', '')!r} (has "
                               f'{sorted(results)})')
            feat = results[key]
            if feat.ndim != 2:
                raise ValueError(f'RandomFeatureCrop: {key!r} of sample '
                                 f"{results.get('frame_dir', '')!r} must be "
                                 f'(T, C), got shape {feat.shape}')
            lengths[key] = feat.shape[0]
        if len(set(lengths.values())) > 1:
            raise ValueError('RandomFeatureCrop: keys of different lengths '
                             f'{lengths} in sample '
                             f"{results.get('frame_dir', '')!r}")
        total = next(iter(lengths.values()))
        if total > self.clip_num:
            start = self._start(total)
            for key in self.keys:
                results[key] = results[key][start:start + self.clip_num]
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(clip_num={self.clip_num}, '
                f'keys={self.keys})')
