"""Merge per-video pose files into one annotation file.

Two outputs, both loadable by mmaction2's ``PoseDataset``:

* **AQA annotation** (:func:`merge_aqa`), the :class:`aqa_mm.datasets.
  AQADataset` format, given a *sample table* that joins each pose file to
  its judges' score, class and split;
* **plain skeleton annotation** (:func:`merge_plain`), mmaction2's
  ``dict(split=..., annotations=...)`` without scores, with the splits from
  a JSON file or one split ``'all'``.

Sample table (``.json`` or ``.csv``), one entry per sample::

    frame_dir    sample id = pose file path under the pose folder, no .pkl
    split        e.g. train / test
    score        judges' score (float)
    class_id     0-based action class (int)
    class_name   optional, defaults to str(class_id)
    difficulty   optional float (empty / null: unknown)
    video        optional video path, relative to data_prefix['video']

JSON is a list of such objects, or an object mapping ``frame_dir`` to the
rest. The per-video ``boxes`` stay in the pose files; the annotation has the
same keys as the synthetic set's.
"""
import csv
import json
import math
import os.path as osp
import pickle
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

from aqa_mm.utils.cli import DataError

POSE_KEYS = ('frame_dir', 'total_frames', 'img_shape', 'original_shape',
             'keypoint', 'keypoint_score')
_MAX_LISTED = 5


def _listing(names: List[str]) -> str:
    more = f' (and {len(names) - _MAX_LISTED} more)' \
        if len(names) > _MAX_LISTED else ''
    return ', '.join(names[:_MAX_LISTED]) + more


def check_pose_record(record: dict, path: str) -> None:
    """Raise DataError naming ``path`` unless ``record`` is a pose record.

    Args:
        record (dict): Loaded pose file content.
        path (str): Its file, for the message.
    """
    if not isinstance(record, dict):
        raise DataError(f'{path}: not a pose record (got '
                        f'{type(record).__name__})')
    missing = [k for k in POSE_KEYS if k not in record]
    if missing:
        raise DataError(f'{path}: not a pose record, missing {missing}')
    kp, sc = np.asarray(record['keypoint']), np.asarray(
        record['keypoint_score'])
    t = record['total_frames']
    if kp.ndim != 4 or kp.shape[1] != t or kp.shape[-1] != 2 \
            or sc.shape != kp.shape[:3]:
        raise DataError(f'{path}: inconsistent shapes keypoint {kp.shape}, '
                        f'keypoint_score {sc.shape}, total_frames {t}')


def load_pose_dir(pose_dir: str) -> Dict[str, dict]:
    """All pose files under ``pose_dir`` (recursively), keyed by frame_dir.

    Merged annotation files (with an ``annotations`` list) are skipped.

    Args:
        pose_dir (str): ``--out-dir`` of the extraction (all shards).

    Returns:
        dict[str, dict]: ``frame_dir`` -> pose record.
    """
    if not osp.isdir(pose_dir):
        raise DataError(f'pose folder not found: {pose_dir}')
    poses = {}
    for path in sorted(Path(pose_dir).rglob('*.pkl')):
        try:
            with open(path, 'rb') as f:
                record = pickle.load(f)
        except Exception as exc:
            raise DataError(f'{path}: unreadable pose file ({exc})') from exc
        if isinstance(record, dict) and 'annotations' in record:
            continue  # a merged annotation file kept next to the poses
        check_pose_record(record, str(path))
        if record['frame_dir'] in poses:
            raise DataError(f'{path}: duplicate frame_dir '
                            f'{record["frame_dir"]!r}')
        poses[record['frame_dir']] = record
    if not poses:
        raise DataError(f'no pose files (*.pkl) under {pose_dir}')
    return poses


def _sample(row: dict, where: str) -> dict:
    """Normalise one table row, raising DataError naming ``where``."""
    for key in ('frame_dir', 'split', 'score', 'class_id'):
        if row.get(key) in (None, ''):
            raise DataError(f'{where}: missing {key!r}')
    try:
        score = float(row['score'])
        class_id = int(row['class_id'])
        diff = row.get('difficulty')
        diff = None if diff in (None, '') else float(diff)
    except (TypeError, ValueError) as exc:
        raise DataError(f'{where}: bad number ({exc})') from exc
    if not math.isfinite(score):
        raise DataError(f'{where}: score is not finite ({row["score"]!r})')
    return dict(frame_dir=str(row['frame_dir']), split=str(row['split']),
                score=score, class_id=class_id,
                class_name=str(row.get('class_name') or class_id),
                difficulty=diff, video=row.get('video') or None)


def load_sample_table(path: str) -> List[dict]:
    """Read a sample table (see the module docstring).

    Args:
        path (str): ``.json`` or ``.csv`` file.

    Returns:
        list[dict]: Normalised samples.
    """
    if not osp.isfile(path):
        raise DataError(f'sample table not found: {path}')
    if path.endswith('.csv'):
        with open(path, newline='', encoding='utf-8') as f:
            rows = list(csv.DictReader(f))
    elif path.endswith('.json'):
        with open(path, encoding='utf-8') as f:
            rows = json.load(f)
        if isinstance(rows, dict):
            rows = [dict(v, frame_dir=k) for k, v in rows.items()]
    else:
        raise DataError(f'{path}: sample table must be .json or .csv')
    samples = [_sample(r, f'{path} entry {i}') for i, r in enumerate(rows)]
    counts = Counter(s['frame_dir'] for s in samples)
    dups = sorted(i for i, n in counts.items() if n > 1)
    if dups:
        raise DataError(f'{path}: duplicate frame_dir {_listing(dups)}')
    return samples


def _pose_only(record: dict) -> dict:
    return {k: record[k] for k in POSE_KEYS}


def merge_aqa(poses: Dict[str, dict], samples: List[dict],
              allow_missing: bool = False,
              dataset_name: Optional[str] = None) -> Tuple[dict, List[str]]:
    """Join pose records with scores, classes and splits.

    Args:
        poses (dict[str, dict]): From :func:`load_pose_dir`.
        samples (list[dict]): From :func:`load_sample_table`.
        allow_missing (bool): Drop samples without a pose file (e.g. listed
            in the failures file) instead of failing. Defaults to False.
        dataset_name (str, optional): Stored in ``metainfo``.

    Returns:
        tuple[dict, list[str]]: The AQADataset annotation and the ids of
        the samples that were dropped for lack of a pose file.
    """
    missing = [s['frame_dir'] for s in samples if s['frame_dir'] not in poses]
    if missing and not allow_missing:
        raise DataError(f'{len(missing)} sample(s) have no pose file: '
                        f'{_listing(missing)} (see the failures file; '
                        'allow_missing drops them)')
    annos, split = [], {}
    for s in samples:
        if s['frame_dir'] in poses:
            rec = _pose_only(poses[s['frame_dir']])
            rec.update({k: v for k, v in s.items() if k != 'split'})
            annos.append(rec)
            split.setdefault(s['split'], []).append(s['frame_dir'])
    if not annos:
        raise DataError('no sample of the table has a pose file')
    names = {a['class_id']: a['class_name'] for a in annos}
    meta = dict(keypoint_layout='coco', source='tools/extract_pose.py')
    if sorted(names) == list(range(len(names))):
        meta['classes'] = [names[c] for c in range(len(names))]
    if dataset_name:
        meta['dataset_name'] = dataset_name
    return dict(split=split, annotations=annos, metainfo=meta), missing


def merge_plain(poses: Dict[str, dict],
                splits: Optional[Dict[str, List[str]]] = None) -> dict:
    """mmaction2 skeleton annotation (no scores) with a ``split`` dict.

    Args:
        poses (dict[str, dict]): From :func:`load_pose_dir`.
        splits (dict[str, list[str]], optional): Split name -> ids. None
            puts every sample in split ``'all'``. Defaults to None.

    Returns:
        dict: ``dict(split=..., annotations=[...])``.
    """
    splits = splits or dict(all=sorted(poses))
    unknown = sorted({i for ids in splits.values() for i in ids} - set(poses))
    if unknown:
        raise DataError(f'{len(unknown)} split id(s) have no pose file: '
                        f'{_listing(unknown)}')
    return dict(split={k: list(v) for k, v in splits.items()},
                annotations=[_pose_only(poses[i]) for i in sorted(poses)],
                metainfo=dict(keypoint_layout='coco',
                              source='tools/extract_pose.py'))
