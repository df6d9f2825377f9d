"""Reading ``tools/test.py --dump`` files for the analysis tools.

A dump is a list of dicts (one per test sample) written by
:class:`aqa_mm.evaluation.DumpAQAResults`. Every record has ``frame_dir``,
``class_name``, ``class_id``, ``gt_score`` and ``pred_aqa_score`` (the final
score). Two-stream (2M-AF) dumps also have ``pred_score_skeleton``,
``pred_score_rgb``, ``pred_stream`` (the stream used: 0 = skeleton,
1 = RGB, 2 = concatenation where the head has one) and ``pred_prob_rgb``;
``pred_stream_selector`` (the selector's own choice, which a fallback may
override) when the head reports it.

Models trained with ``NormalizeScore`` dump normalised predictions next to
raw ground truth; :func:`denormalize_dump` maps the predictions back with
the training score ranges of the annotation file.
"""
import argparse
import os.path as osp
import pickle
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from aqa_mm.datasets.score_normalization import (DEFAULT_TARGET,
                                                 denormalize_scores,
                                                 load_score_ranges)
from aqa_mm.utils.cli import DataError

REQUIRED_KEYS = ('gt_score', 'pred_aqa_score')
# (record key, label) of each stream a dump can hold, in plotting order
STREAM_KEYS: Tuple[Tuple[str, str], ...] = (
    ('pred_score_skeleton', 'skeleton'),
    ('pred_score_rgb', 'RGB'),
    ('pred_score_concat', 'concat'),  # PFMHead with a concatenation stream
    ('pred_aqa_score', 'fused'),
)
TWO_STREAM_KEYS = ('pred_score_skeleton', 'pred_score_rgb', 'pred_stream',
                   'pred_prob_rgb')
SKELETON, RGB, CONCAT = 0, 1, 2


def load_dump(path: str) -> List[dict]:
    """Load and check a dump written by ``tools/test.py --dump``.

    Args:
        path (str): The ``.pkl`` file.

    Returns:
        list[dict]: One record per test sample.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        DataError: Not a list of dicts, empty, or a record lacks
            ``gt_score`` / ``pred_aqa_score`` (named with the file).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'dump file not found: {path}')
    try:
        with open(path, 'rb') as f:
            records = pickle.load(f)
    except (pickle.UnpicklingError, EOFError, ValueError,
            AttributeError, ImportError) as exc:
        raise DataError(f'{path}: not a readable dump pickle ({exc})') \
            from exc
    if not isinstance(records, list) or not records or not all(
            isinstance(r, dict) for r in records):
        what = (f'a list of {len(records)}' if isinstance(records, list)
                else type(records).__name__)
        raise DataError(f'{path}: expected a non-empty list of dicts (the '
                        f'output of tools/test.py --dump), got {what}')
    for i, record in enumerate(records):
        missing = [k for k in REQUIRED_KEYS if k not in record]
        if missing:
            raise DataError(f'{path}: record {i} has no {missing}; its keys: '
                            f'{sorted(record)}')
    return records


def require_keys(records: Sequence[dict], keys: Sequence[str],
                 path: str = 'dump', why: str = '') -> None:
    """Fail with the missing key(s) and the file when a record lacks one.

    Args:
        records (Sequence[dict]): Dump records.
        keys (Sequence[str]): Keys every record must have.
        path (str): File named in the error. Defaults to ``'dump'``.
        why (str): What needs the keys, appended to the message.
            Defaults to ``''``.

    Raises:
        DataError: Naming the first record and key(s) missing.
    """
    for i, record in enumerate(records):
        missing = [k for k in keys if k not in record]
        if missing:
            raise DataError(
                f'{path}: record {i} ({record.get("frame_dir")}) has no key '
                f'{", ".join(repr(k) for k in missing)}{why}; its keys: '
                f'{sorted(record)}')


def streams_present(records: Sequence[dict]) -> List[Tuple[str, str]]:
    """The score fields every record has, as (key, label) pairs.

    A single-stream dump gives ``[('pred_aqa_score', 'fused')]``; callers
    call that stream "prediction".

    Args:
        records (Sequence[dict]): Dump records.

    Returns:
        list[tuple[str, str]]: In the order skeleton, RGB, fused.
    """
    return [(k, label) for k, label in STREAM_KEYS
            if all(k in r for r in records)]


def column(records: Sequence[dict], key: str) -> np.ndarray:
    """One field of every record as an array.

    Args:
        records (Sequence[dict]): Dump records.
        key (str): Field name.

    Returns:
        np.ndarray: float64 of shape (N,).
    """
    return np.array([float(r[key]) for r in records], dtype=np.float64)


def class_labels(records: Sequence[dict]) -> List[str]:
    """Class name of every record (``class_name``, else ``class_id``).

    Args:
        records (Sequence[dict]): Dump records.

    Returns:
        list[str]: Shape (N,); ``'all'`` when neither field is present.
    """
    out = []
    for r in records:
        name = r.get('class_name')
        if name is None:
            name = 'all' if r.get('class_id') is None else \
                f'class {int(r["class_id"])}'
        out.append(str(name))
    return out


def denormalize_dump(records: Sequence[dict], ann_file: str,
                     target: Tuple[float, float] = DEFAULT_TARGET,
                     split: str = 'train') -> List[dict]:
    """Map normalised predictions back to each class's scale.

    For dumps of models trained with ``NormalizeScore``: every ``pred_score*``
    and ``pred_aqa_score`` field is denormalised with the training score
    ranges of ``ann_file``; ``gt_score`` is raw already and kept.

    Args:
        records (Sequence[dict]): Dump records (not modified).
        ann_file (str): The annotation file the model was trained with.
        target (tuple[float, float]): ``NormalizeScore.target_range``.
            Defaults to (0, 100).
        split (str): Split the ranges come from. Defaults to ``'train'``.

    Returns:
        list[dict]: Copies of the records with denormalised predictions.
    """
    ranges: Dict[int, Tuple[float, float]] = load_score_ranges(ann_file,
                                                               split)
    require_keys(records, ('class_id', ), why=' (needed by --ann-file)')
    ids = [int(r['class_id']) for r in records]
    out = [dict(r) for r in records]
    for key, _ in STREAM_KEYS:
        if all(key in r for r in records):
            values = denormalize_scores(column(records, key), ids, ranges,
                                        target)
            for r, v in zip(out, values):
                r[key] = float(v)
    return out


def load_scores(path: str, ann_file: Optional[str] = None,
                target: Tuple[float, float] = DEFAULT_TARGET) -> List[dict]:
    """:func:`load_dump`, then :func:`denormalize_dump` if ``ann_file``.

    Args:
        path (str): Dump file.
        ann_file (str, optional): Annotation file for denormalisation.
            Defaults to None (scores used as dumped).
        target (tuple[float, float]): Normalisation target range.
            Defaults to (0, 100).

    Returns:
        list[dict]: The records.
    """
    records = load_dump(path)
    if ann_file:
        records = denormalize_dump(records, ann_file, target)
    return records


def add_denormalize_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--ann-file`` / ``--target-range`` (for :func:`load_scores`).

    Args:
        parser (argparse.ArgumentParser): A tool's parser.
    """
    parser.add_argument('--ann-file', help='annotation file of training, to '
                        'denormalise predictions of NormalizeScore models')
    parser.add_argument('--target-range', nargs=2, type=float,
                        default=DEFAULT_TARGET, metavar=('LO', 'HI'),
                        help='NormalizeScore target_range (default: 0 100)')
