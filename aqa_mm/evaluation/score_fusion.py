"""Weighted late fusion of per-sample class scores from several streams
(e.g. NTU-60 joint / bone / joint-motion / bone-motion, weights 2:2:1:1)."""
import pickle
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from aqa_mm.utils.cli import DataError

NTU_STREAM_WEIGHTS = (2.0, 2.0, 1.0, 1.0)


def _item(value: Any) -> Any:
    """Unwrap mmengine ``LabelData`` dicts ``{'item': x}`` and tensors."""
    if isinstance(value, dict) and 'item' in value:
        value = value['item']
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return value


def load_stream(path: str) -> Tuple[List[Optional[str]], np.ndarray,
                                    Optional[np.ndarray]]:
    """Read class scores from a dump of classification test samples.

    Accepts a list of dicts with ``pred_scores`` (or ``pred_score``) of shape
    (K,), optionally ``gt_labels`` / ``gt_label`` and ``frame_dir``: the
    records of mmengine's ``DumpResults`` or aqa_mm's ``DumpAQAResults``.

    Args:
        path (str): The ``.pkl`` dump.

    Returns:
        tuple: ``frame_dirs`` (list of str | None, N), ``scores`` ((N, K)
        float64) and ``labels`` ((N,) int64, or None when absent).
    """
    with open(path, 'rb') as f:
        records = pickle.load(f)
    if not isinstance(records, list) or not records:
        raise DataError(f'{path}: expected a non-empty list of records')
    names, scores, labels = [], [], []
    for i, rec in enumerate(records):
        key = next((k for k in ('pred_scores', 'pred_score') if k in rec),
                   None)
        if key is None:
            raise DataError(f'{path}: record {i} has no pred_scores '
                            f'(keys: {sorted(rec)})')
        scores.append(np.asarray(_item(rec[key]), np.float64).reshape(-1))
        label = next((rec[k] for k in ('gt_labels', 'gt_label')
                      if k in rec), None)
        labels.append(None if label is None else
                      int(np.asarray(_item(label)).reshape(-1)[0]))
        names.append(rec.get('frame_dir'))
    if len({s.shape for s in scores}) != 1:
        raise DataError(f'{path}: records have different class counts')
    has_labels = all(lb is not None for lb in labels)
    return (names, np.stack(scores),
            np.asarray(labels, np.int64) if has_labels else None)


def fuse_scores(scores: Sequence[np.ndarray],
                weights: Sequence[float] = NTU_STREAM_WEIGHTS) -> np.ndarray:
    """Weighted sum of the streams' class scores.

    Args:
        scores (Sequence[np.ndarray]): One (N, K) array per stream, rows in
            the same sample order.
        weights (Sequence[float]): One weight per stream. Defaults to
            (2, 2, 1, 1) for joint, bone, joint-motion, bone-motion.

    Returns:
        np.ndarray: Fused scores, (N, K).
    """
    if len(scores) != len(weights) or not scores:
        raise ValueError(f'{len(scores)} streams but {len(weights)} weights')
    shapes = {np.shape(s) for s in scores}
    if len(shapes) != 1:
        raise ValueError(f'streams differ in shape: {sorted(shapes)}')
    return sum(w * np.asarray(s, np.float64) for w, s in zip(weights, scores))


def top1_accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose arg-max is the label.

    Args:
        scores (np.ndarray): (N, K).
        labels (np.ndarray): (N,) ints in [0, K).

    Returns:
        float: Top-1 accuracy in [0, 1].
    """
    return float(np.mean(np.argmax(scores, axis=1) == np.asarray(labels)))


def fuse_dumps(paths: Sequence[str],
               weights: Sequence[float] = NTU_STREAM_WEIGHTS
               ) -> Tuple[np.ndarray, np.ndarray, float]:
    """Load stream dumps, align them, fuse, and score top-1.

    Streams are aligned by ``frame_dir`` when every record has one, else by
    order (the test loader does not shuffle). Labels come from the first
    stream that has them; all streams' labels must agree.

    Returns:
        tuple: fused scores (N, K), labels (N,), top-1 accuracy.
    """
    loaded = [load_stream(p) for p in paths]
    names0 = loaded[0][0]
    if all(n is not None for names, _, _ in loaded for n in names):
        aligned = []
        for path, (names, sc, lb) in zip(paths, loaded):
            if sorted(names) != sorted(names0):
                raise DataError(f'{path}: samples differ from {paths[0]}')
            where = {n: i for i, n in enumerate(names)}
            perm = [where[n] for n in names0]   # this stream -> stream 0
            aligned.append((names0, sc[perm],
                            None if lb is None else lb[perm]))
        loaded = aligned
    found = [(p, lb) for p, (_, _, lb) in zip(paths, loaded) if lb is not None]
    if not found:
        raise DataError(f'no dump among {list(paths)} has gt labels')
    labels = found[0][1]
    for path, lb in found[1:]:
        if lb.shape != labels.shape or not np.array_equal(lb, labels):
            raise DataError(f'{path}: labels disagree with {found[0][0]}')
    fused = fuse_scores([s for _, s, _ in loaded], weights)
    return fused, labels, top1_accuracy(fused, labels)
