"""Per-video feature sequences (T_i, C) computed elsewhere, as an AQA set.

The analogue of :func:`aqa_mm.datasets.feature_caching.import_feature_arrays` for sequences: one
``.npz`` per sample (named by :func:`~aqa_mm.datasets.feature_cache.
feature_filename`, read by :class:`~aqa_mm.datasets.transforms.
LoadAQAFeatures`) holding a float32 (T_i, C) array per stream, plus an
annotation pickle that :class:`~aqa_mm.datasets.AQADataset` reads with
``modality='Feature'``.

Label files are text, one sample per line, whitespace- or comma-separated.
Two formats are read:

* ``fisv``: ``id TES PCS x`` (the Fis-V split files GDLT released,
  ``fis-v/train.txt`` / ``fis-v/test.txt``); the score is the ``TES`` or
  ``PCS`` column. The trailing column is not used.
* ``id-score``: ``id score``.

Sample ``id`` is the stem of its feature file, ``<id>.npy`` in the feature
folder, an (T_i, C) array with one row per clip.
"""
import math
import os
import os.path as osp
import re
from typing import Dict, List, Mapping, Sequence, Tuple

import numpy as np

from aqa_mm.datasets.feature_cache import feature_filename, save_features
from aqa_mm.utils.cli import DataError
from aqa_mm.utils.io import atomic_pickle_dump

#: Label-file format → {score name: column}.
LABEL_COLUMNS = dict(fisv=dict(TES=1, PCS=2), **{'id-score': dict(score=1)})


def read_label_file(path: str, fmt: str = 'fisv',
                    score: str = 'TES') -> List[Tuple[str, float]]:
    """Read ``(id, score)`` pairs from a label file.

    Args:
        path (str): The text file, see the module docstring.
        fmt (str): ``'fisv'`` or ``'id-score'``. Defaults to ``'fisv'``.
        score (str): Column to read: ``'TES'`` / ``'PCS'`` for ``fisv``,
            ``'score'`` for ``id-score``. Defaults to ``'TES'``.

    Returns:
        list[tuple[str, float]]: In file order.

    Raises:
        DataError: Unreadable file, unknown column, short line or a score
            that is not a finite number (file and line named).
    """
    if fmt not in LABEL_COLUMNS:
        raise DataError(f'unknown label format {fmt!r} (known: '
                        f'{sorted(LABEL_COLUMNS)})')
    if score not in LABEL_COLUMNS[fmt]:
        raise DataError(f'label format {fmt!r} has no score {score!r} '
                        f'(has {sorted(LABEL_COLUMNS[fmt])})')
    col = LABEL_COLUMNS[fmt][score]
    if not osp.isfile(path):
        raise DataError(f'label file not found: {path}')
    pairs, seen = [], set()
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            fields = [x for x in re.split(r'[\s,]+', line.strip()) if x]
            if not fields:
                continue
            if len(fields) <= col:
                raise DataError(f'{path}:{lineno}: expected at least '
                                f'{col + 1} columns for {fmt} {score}, got '
                                f'{line.strip()!r}')
            try:
                value = float(fields[col])
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise DataError(f'{path}:{lineno}: {score} {fields[col]!r} '
                                'is not a finite number')
            if fields[0] in seen:
                raise DataError(f'{path}:{lineno}: duplicate id '
                                f'{fields[0]!r}')
            seen.add(fields[0])
            pairs.append((fields[0], value))
    if not pairs:
        raise DataError(f'label file {path} has no samples')
    return pairs


def load_sequence_npy(path: str) -> np.ndarray:
    """Read one (T, C) ``.npy`` feature sequence.

    Args:
        path (str): The file.

    Returns:
        ndarray: float32 (T, C).

    Raises:
        DataError: Missing, unreadable, or not a non-empty 2-D array.
    """
    if not osp.isfile(path):
        raise DataError(f'feature sequence not found: {path}')
    try:
        arr = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise DataError(f'{path}: not a readable .npy ({exc})') from exc
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise DataError(f'{path}: expected a (T, C) array, got shape '
                        f'{arr.shape}')
    return arr.astype(np.float32)


def import_feature_sequences(feature_dir: str,
                             splits: Mapping[str, Sequence[Tuple[str, float]]],
                             out_dir: str,
                             ann_name: str,
                             stream: str = 'rgb',
                             class_name: str = 'fis-v',
                             overwrite: bool = False) -> Dict[str, object]:
    """Write per-sample feature files and an AQADataset annotation pickle.

    Feature files go to ``out_dir/features/`` (one per sample, existing
    ones kept unless ``overwrite``; features do not depend on the score, so
    the TES and PCS annotations share them). The annotation is
    ``out_dir/ann_name``, with ``split`` = the given splits, one class
    (``class_id`` 0, ``class_name``), ``total_frames`` = T_i and
    ``feature_file`` relative to ``features/``.

    Args:
        feature_dir (str): Folder of ``<id>.npy`` (T_i, C) arrays.
        splits (Mapping[str, Sequence[tuple[str, float]]]): Split name →
            ``(id, score)`` pairs, e.g. from :func:`read_label_file`.
        out_dir (str): Output folder (created).
        ann_name (str): Annotation file name, e.g. ``'fisv_tes.pkl'``.
        stream (str): Stream name of the features. Defaults to ``'rgb'``.
        class_name (str): The single class. Defaults to ``'fis-v'``.
        overwrite (bool): Rewrite existing feature files. Defaults to False.

    Returns:
        dict: ``ann_file`` (path), ``written`` / ``kept`` (feature-file
        counts), ``channels`` (C) and per split ``num``, ``min_t``,
        ``max_t``, ``score_min``, ``score_max``, ``score_mean``,
        ``score_std``.

    Raises:
        DataError: A sample in two splits, a missing or malformed feature
            file, or sequences of different C (all named).
    """
    owner: Dict[str, str] = {}
    for split, pairs in splits.items():
        for sid, _ in pairs:
            if sid in owner:
                raise DataError(f'sample {sid!r} is in splits '
                                f'{owner[sid]!r} and {split!r}')
            owner[sid] = split
    feat_out = osp.join(out_dir, 'features')
    os.makedirs(feat_out, exist_ok=True)
    annotations, summary = [], dict(written=0, kept=0, channels=None)
    for split, pairs in splits.items():
        lengths, scores = [], []
        for sid, score in pairs:
            arr = load_sequence_npy(osp.join(feature_dir, f'{sid}.npy'))
            if summary['channels'] not in (None, arr.shape[1]):
                raise DataError(f'{feature_dir}/{sid}.npy has C='
                                f'{arr.shape[1]}, the others '
                                f"C={summary['channels']}")
            summary['channels'] = arr.shape[1]
            name = feature_filename(sid)
            path = osp.join(feat_out, name)
            if overwrite or not osp.isfile(path):
                save_features(path, {stream: arr}, ndim=2)
                summary['written'] += 1
            else:
                summary['kept'] += 1
            annotations.append(dict(
                frame_dir=sid, total_frames=int(arr.shape[0]),
                score=float(score), class_id=0, class_name=class_name,
                feature_file=name))
            lengths.append(arr.shape[0])
            scores.append(score)
        summary[split] = dict(
            num=len(pairs), min_t=int(min(lengths)), max_t=int(max(lengths)),
            score_min=float(np.min(scores)), score_max=float(np.max(scores)),
            score_mean=float(np.mean(scores)),
            score_std=float(np.std(scores)))
    ann_file = osp.join(out_dir, ann_name)
    atomic_pickle_dump(dict(
        split={s: [sid for sid, _ in p] for s, p in splits.items()},
        annotations=annotations,
        metainfo=dict(classes=[class_name])), ann_file)
    summary['ann_file'] = ann_file
    return summary
