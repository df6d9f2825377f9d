"""Per-class score normalisation for training one model on several classes.

AQA-7's classes are scored on very different scales (diving about 21-103,
gym vault about 12-17), so a model trained on all classes pooled ("AQA-7
All") regresses each class's score mapped linearly from that class's score
range to one common range, as CoRe (``utils/misc.py``, common range
[0, 100]) and MUSDL do, and its predictions are mapped back before metrics:

    normalised = t_lo + (score - lo) / (hi - lo) * (t_hi - t_lo)
    score      = lo + (normalised - t_lo) / (t_hi - t_lo) * (hi - lo)

(lo, hi) is each class's min/max score over the **training split** only, the
same ranges ``AQADataset`` puts in ``metainfo['score_ranges']``; test scores
outside it map outside the target range, which is fine. A class whose
training scores are all equal (hi == lo) is only shifted (span taken as 1),
as ``relative_l2`` does.
"""
import math
import os
import pickle
from functools import lru_cache
from typing import Dict, Mapping, Sequence, Tuple, Union

import numpy as np

from aqa_mm.utils.cli import DataError

Range = Tuple[float, float]
ArrayLike = Union[float, Sequence[float], np.ndarray]
DEFAULT_TARGET: Range = (0.0, 100.0)  # CoRe's common range


def _lookup(class_ids: ArrayLike, ranges: Mapping[int, Range]
            ) -> Tuple[np.ndarray, np.ndarray]:
    """Per-sample (lo, span) arrays, shape (N,), for ``class_ids``."""
    ids = np.atleast_1d(np.asarray(class_ids)).astype(int)
    missing = sorted(set(ids.tolist()) - {int(c) for c in ranges})
    if missing:
        raise KeyError(f'no training score range for class id(s) {missing};'
                       f' known: {sorted(int(c) for c in ranges)}')
    lo = np.array([float(ranges[c][0]) for c in ids])  # [N]
    span = np.array([float(ranges[c][1]) - float(ranges[c][0])
                     for c in ids])  # [N]
    span[span <= 0] = 1.0
    return lo, span


def _check_target(target: Range) -> Tuple[float, float]:
    t_lo, t_hi = float(target[0]), float(target[1])
    if not t_lo < t_hi:
        raise ValueError(f'target range must have lo < hi, got {target}')
    return t_lo, t_hi - t_lo


def normalize_scores(scores: ArrayLike, class_ids: ArrayLike,
                     ranges: Mapping[int, Range],
                     target: Range = DEFAULT_TARGET) -> np.ndarray:
    """Map raw scores from their class's range to ``target``.

    Args:
        scores (float | Sequence[float] | np.ndarray): Raw scores, shape
            (N,) (a scalar is treated as N = 1).
        class_ids (int | Sequence[int] | np.ndarray): Class of each score,
            shape (N,).
        ranges (Mapping[int, tuple[float, float]]): class id → (lo, hi),
            from the training split.
        target (tuple[float, float]): Common range. Defaults to (0, 100).

    Returns:
        np.ndarray: Normalised scores, float64 of shape (N,).
    """
    lo, span = _lookup(class_ids, ranges)
    t_lo, t_span = _check_target(target)
    raw = np.atleast_1d(np.asarray(scores, dtype=np.float64))  # [N]
    return t_lo + (raw - lo) / span * t_span


def denormalize_scores(values: ArrayLike, class_ids: ArrayLike,
                       ranges: Mapping[int, Range],
                       target: Range = DEFAULT_TARGET) -> np.ndarray:
    """Inverse of :func:`normalize_scores`: back to each class's scale.

    Apply it to predictions before computing metrics.

    Args:
        values (float | Sequence[float] | np.ndarray): Normalised values,
            shape (N,).
        class_ids (int | Sequence[int] | np.ndarray): Class of each value,
            shape (N,).
        ranges (Mapping[int, tuple[float, float]]): class id → (lo, hi),
            the same ranges used to normalise.
        target (tuple[float, float]): The common range used to normalise.
            Defaults to (0, 100).

    Returns:
        np.ndarray: Scores on the original scale, float64 of shape (N,).
    """
    lo, span = _lookup(class_ids, ranges)
    t_lo, t_span = _check_target(target)
    norm = np.atleast_1d(np.asarray(values, dtype=np.float64))  # [N]
    return lo + (norm - t_lo) / t_span * span


def split_score_ranges(annotation: Mapping,
                       split: str = 'train') -> Dict[int, Range]:
    """Per-class (min, max) score over one split of an annotation dict.

    Computed the same way as ``AQADataset``'s ``metainfo['score_ranges']``.

    Args:
        annotation (Mapping): ``dict(split=..., annotations=[...])``.
        split (str): Split name. Defaults to ``'train'``.

    Returns:
        dict[int, tuple[float, float]]: class id → (min, max).
    """
    if split not in annotation.get('split', {}):
        raise DataError(f'unknown split {split!r}; available: '
                        f"{sorted(annotation.get('split', {}))}")
    ids = set(annotation['split'][split])
    ranges: Dict[int, Range] = {}
    for item in annotation.get('annotations', ()):
        if item.get('frame_dir') not in ids or item.get('score') is None \
                or 'class_id' not in item:
            continue
        c, s = int(item['class_id']), float(item['score'])
        lo, hi = ranges.get(c, (math.inf, -math.inf))
        ranges[c] = (min(lo, s), max(hi, s))
    if not ranges:
        raise DataError(f'split {split!r} has no scored sample with a '
                        'class_id')
    return dict(sorted(ranges.items()))


@lru_cache(maxsize=8)
def _cached_ranges(path: str, split: str, mtime_ns: int,
                   size: int) -> Tuple[Tuple[int, Range], ...]:
    """Ranges of one file version (the cache key includes mtime/size)."""
    try:
        with open(path, 'rb') as f:
            annotation = pickle.load(f)
    except (pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise DataError(f'{path}: not a readable annotation pickle '
                        f'({exc})') from exc
    try:
        return tuple(split_score_ranges(annotation, split).items())
    except DataError as exc:
        raise DataError(f'{path}: {exc}') from exc


def load_score_ranges(ann_file: str, split: str = 'train') -> Dict[int, Range]:
    """Per-class training score ranges of an annotation file, cached.

    The file is read once per (path, split, modification time, size), so
    every transform and metric in a process shares one read.

    Args:
        ann_file (str): Annotation ``.pkl``.
        split (str): Split whose ranges to use. Defaults to ``'train'``.

    Returns:
        dict[int, tuple[float, float]]: class id → (min, max).
    """
    if not os.path.isfile(ann_file):
        raise FileNotFoundError(f'annotation file not found: {ann_file}')
    stat = os.stat(ann_file)
    return dict(_cached_ranges(os.path.abspath(ann_file), split,
                               stat.st_mtime_ns, stat.st_size))
