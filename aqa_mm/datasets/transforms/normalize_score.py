"""NormalizeScore: per-class score normalisation for all-class training.

Follows CoRe (github.com/yuxumin/CoRe, ``utils/misc.py``) and MUSDL, which
map each AQA-7 class's score range to a common range before pooling the
classes; see :mod:`aqa_mm.datasets.score_normalization`.
"""
from typing import Dict, Mapping, Optional, Tuple

from mmcv.transforms import BaseTransform

from aqa_mm.datasets.score_normalization import (DEFAULT_TARGET,
                                                 load_score_ranges,
                                                 normalize_scores)
from aqa_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class NormalizeScore(BaseTransform):
    """Map ``score`` from its class's training range to a common range.

    Put it in the **training** pipeline only, before ``PackAQAInputs``: the
    loss then sees normalised targets, while validation/test samples keep
    raw scores and the metric maps predictions back with the same ranges
    (``SpearmanMetric(denormalize_target=(0., 100.))``, which reads the
    dataset's ``metainfo['score_ranges']``, also from the training split).

    The ranges are each class's (min, max) score over ``split`` of
    ``ann_file``: read once when the transform is built and cached per file
    version. Use the same ``ann_file`` variable as the dataset in the
    config; a sample of a class without a range raises an error naming it.

    Required Keys:

        - score (float)
        - class_id (int)

    Modified Keys:

        - score: t_lo + (score − lo) / (hi − lo) · (t_hi − t_lo)

    Added Keys:

        - raw_score (float): the original score

    Args:
        ann_file (str, optional): Annotation file whose ``split`` defines
            the ranges. Required unless ``ranges`` is given.
        split (str): Split the ranges come from; keep the training split.
            Defaults to ``'train'``.
        target_range (tuple[float, float]): Common range. Defaults to
            (0, 100), as in CoRe.
        ranges (Mapping[int, tuple[float, float]], optional): class id →
            (lo, hi) given explicitly instead of ``ann_file``.
    """

    def __init__(self,
                 ann_file: Optional[str] = None,
                 split: str = 'train',
                 target_range: Tuple[float, float] = DEFAULT_TARGET,
                 ranges: Optional[Mapping[int, Tuple[float, float]]] = None
                 ) -> None:
        if (ann_file is None) == (ranges is None):
            raise ValueError('NormalizeScore needs exactly one of ann_file '
                             'and ranges')
        if not float(target_range[0]) < float(target_range[1]):
            raise ValueError(f'target_range must have lo < hi, got '
                             f'{target_range}')
        self.ann_file = ann_file
        self.split = split
        self.target_range = (float(target_range[0]), float(target_range[1]))
        self.ranges: Dict[int, Tuple[float, float]] = (
            load_score_ranges(ann_file, split) if ranges is None else
            {int(c): (float(lo), float(hi)) for c, (lo, hi) in ranges.items()})

    def transform(self, results: Dict) -> Dict:
        """Normalise ``results['score']``; see the class docstring.

        Args:
            results (dict): Needs ``score`` and ``class_id``.

        Returns:
            dict: ``results`` with normalised ``score`` and ``raw_score``.
        """
        for key in ('score', 'class_id'):
            if results.get(key) is None:
                raise KeyError(f'NormalizeScore needs {key!r}; sample '
                               f"{results.get('frame_dir')!r} has none")
        class_id = int(results['class_id'])
        if class_id not in self.ranges:
            source = self.ann_file or 'the given ranges'
            raise KeyError(f"sample {results.get('frame_dir')!r}: class id "
                           f'{class_id} has no training score range in '
                           f'{source} (split {self.split!r}); known: '
                           f'{sorted(self.ranges)}')
        raw = float(results['score'])
        results['raw_score'] = raw
        results['score'] = float(normalize_scores(
            raw, class_id, self.ranges, self.target_range)[0])
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(ann_file={self.ann_file!r}, '
                f'split={self.split!r}, target_range={self.target_range}, '
                f'ranges={self.ranges})')
