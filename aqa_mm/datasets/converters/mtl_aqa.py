"""MTL-AQA → AQADataset annotation file.

MTL-AQA (Parmar & Morris, "What and How Well You Performed? A Multitask
Learning Approach to Action Quality Assessment", CVPR 2019) has 1,412 dives
from 16 whole-event recordings. Its release (github.com/ParitoshParmar/
MTL-AQA, ``MTL-AQA_dataset_release/Ready_2_Use/MTL-AQA_split_0_data/``)
gives::

    final_annotations_dict.pkl   {(video_number, dive_number): dict(
                                     start_frame, end_frame, difficulty,
                                     final_score, position, armstand,
                                     rotation_type, ss_no, tw_no, ...)}
    train_split_0.pkl            [(video_number, dive_number), ...] 1,059
    test_split_0.pkl             353

Python 2 pickles, read with the restricted unpickler of :mod:`.readers`. A
dive is frames ``start_frame``..``end_frame`` of video ``video_number``.
The videos come from YouTube (``Video_List.xlsx``); the release's
``frame_extractor.sh`` writes ``whole_videos_frames/<vv>/%06d.jpg`` with
ffmpeg, numbered from 1, and its loader (like CoRe's ``datasets/
MTLPair.py``) takes the sorted image list's entries up to index
``end_frame - 1``, i.e. frame numbers are ffmpeg's 1-based numbers: dive
frames are 0-based decoded frames ``start_frame - 1``..``end_frame - 1``
(:func:`frame_range`). MUSDL (github.com/nzl-thu/MUSDL, ``MTL-AQA/
dataset.py``) reads per-dive folders ``<vv>_<dd>/*.jpg`` instead.

The sample id is ``<vv>_<dd>`` (video and dive number, at least two digits
each, MUSDL's folder name; dive numbers reach 3 digits, e.g. ``04_105``),
used for the pose pkls and ``frame_dir``. The label is the final score (the
field's target) or the execution score, final ÷
difficulty (``label='execution'``, as CoRe's ``usingDD``); ``difficulty``
is stored either way. One class, ``diving``.
"""
import os.path as osp
from typing import Dict, List, Mapping, Optional, Tuple

import numpy as np

from aqa_mm.utils.cli import DataError, UserError
from .common import (ConversionReport, PlannedSample, ScoreRange,
                     convert_single_class)
from .readers import load_restricted_pickle

ANNOTATION_FILE = 'final_annotations_dict.pkl'
SPLIT_FILES = {'train': 'train_split_0.pkl', 'test': 'test_split_0.pkl'}
REQUIRED_KEYS = ('start_frame', 'end_frame', 'difficulty', 'final_score')
# final: MUSDL's label range for MTL-AQA ("Scores of MTL dataset ranges from
# 0 to 104.5", MTL-AQA/dataset.py); execution: three judges' marks, 0-10.
NOMINAL_SCORE_RANGES: Dict[str, ScoreRange] = {'final': (0.0, 104.5),
                                               'execution': (0.0, 30.0)}
VIDEO_TEMPLATE = 'dives/{video:02d}_{dive:02d}.mp4'
POSE_TEMPLATE = '{video:02d}_{dive:02d}.pkl'
CLASS_NAME = 'diving'
DiveKey = Tuple[int, int]


def sample_id(key: DiveKey) -> str:
    """Annotation id of one dive, e.g. ``'01_07'`` (video 1, dive 7).

    Args:
        key (tuple[int, int]): ``(video_number, dive_number)``.

    Returns:
        str: The id.
    """
    return f'{key[0]:02d}_{key[1]:02d}'


def frame_range(entry: Mapping) -> Tuple[int, int]:
    """0-based first and last decoded frame of a dive (inclusive).

    Args:
        entry (Mapping): Annotation with 1-based ``start_frame`` and
            ``end_frame`` (ffmpeg frame numbers, see the module docstring).

    Returns:
        tuple[int, int]: ``(start_frame - 1, end_frame - 1)``.
    """
    return int(entry['start_frame']) - 1, int(entry['end_frame']) - 1


def _check_key(key, path: str) -> DiveKey:
    if not (isinstance(key, tuple) and len(key) == 2
            and all(isinstance(v, (int, np.integer)) for v in key)):
        raise DataError(f'{path}: key {key!r} is not a (video_number, '
                        'dive_number) pair of ints')
    return int(key[0]), int(key[1])


def load_annotations(anno_dir: str) -> Dict[DiveKey, dict]:
    """Read and check ``final_annotations_dict.pkl``.

    Args:
        anno_dir (str): Folder holding the release's pickles.

    Returns:
        dict[tuple[int, int], dict]: Dive key → its annotation.
    """
    path = osp.join(anno_dir, ANNOTATION_FILE)
    raw = load_restricted_pickle(path)
    if not isinstance(raw, dict):
        raise DataError(f'{path}: expected a dict, got {type(raw).__name__}')
    out = {}
    for key, entry in raw.items():
        key = _check_key(key, path)
        name = sample_id(key)
        missing = [k for k in REQUIRED_KEYS
                   if not isinstance(entry, Mapping) or k not in entry]
        if missing:
            raise DataError(f'{path}: dive {name} has no {missing}')
        try:
            start, end = frame_range(entry)
            final, dd = (float(entry[k]) for k in ('final_score',
                                                   'difficulty'))
        except (TypeError, ValueError) as exc:
            raise DataError(f'{path}: dive {name} has a non-numeric '
                            f'frame number or score ({exc})') from exc
        if not 0 <= start <= end:
            raise DataError(f'{path}: dive {name} has frames '
                            f"{entry['start_frame']}..{entry['end_frame']}, "
                            'expected 1 <= start_frame <= end_frame')
        if not (np.isfinite(final) and final >= 0 and np.isfinite(dd)
                and dd > 0):
            raise DataError(f'{path}: dive {name} has final_score {final} / '
                            f'difficulty {dd}; need a finite final_score '
                            '>= 0 and difficulty > 0')
        out[key] = dict(entry)
    return out


def load_splits(anno_dir: str, annotations: Mapping[DiveKey, dict]
                ) -> Dict[str, List[DiveKey]]:
    """Read the train/test key lists and check them against the dict.

    Args:
        anno_dir (str): Folder holding ``{train,test}_split_0.pkl``.
        annotations (Mapping): Output of :func:`load_annotations`.

    Returns:
        dict[str, list[tuple[int, int]]]: ``'train'`` and ``'test'`` keys,
        in file order.
    """
    split, seen = {}, {}
    for name, fname in SPLIT_FILES.items():
        path = osp.join(anno_dir, fname)
        items = load_restricted_pickle(path)
        if not isinstance(items, (list, tuple)):
            raise DataError(f'{path}: expected a list of keys, got '
                            f'{type(items).__name__}')
        keys = [_check_key(k, path) for k in items]
        unknown = [sample_id(k) for k in keys if k not in annotations]
        if unknown:
            raise DataError(f'{path}: {len(unknown)} dive(s) not in '
                            f'{ANNOTATION_FILE}: {unknown[:20]}')
        for k in keys:
            if k in seen:
                raise DataError(f'{path}: dive {sample_id(k)} is also in '
                                f'{seen[k]}')
            seen[k] = fname
        split[name] = keys
    return split


def dive_label(entry: Mapping, label: str) -> float:
    """Training target of one dive.

    Args:
        entry (Mapping): Its annotation.
        label (str): ``'final'`` or ``'execution'`` (final ÷ difficulty).

    Returns:
        float: The score.
    """
    final = float(entry['final_score'])
    return final if label == 'final' else final / float(entry['difficulty'])


def convert_mtl_aqa(anno_dir: str, pose_dir: str, out_file: str,
                    label: str = 'final', data_root: Optional[str] = None,
                    video_template: str = VIDEO_TEMPLATE,
                    pose_template: str = POSE_TEMPLATE,
                    skip_missing: bool = False,
                    score_range: Optional[ScoreRange] = None
                    ) -> ConversionReport:
    """Write the MTL-AQA annotation file (one class, 1,059 / 353).

    Args:
        anno_dir (str): Folder of the three release pickles.
        pose_dir (str): Folder of the pose pkls (``<vv>_<dd>.pkl``).
        out_file (str): Destination ``.pkl``.
        label (str): ``'final'`` (final score) or ``'execution'`` (final ÷
            difficulty). Defaults to ``'final'``.
        data_root (str, optional): Folder that ``video`` paths are relative
            to; when given, every dive's video must exist there. Defaults
            to None (not checked: skeleton-only training).
        video_template (str): Per-dive RGB input relative to ``data_root``,
            formatted with ``video`` and ``dive``. Defaults to
            :data:`VIDEO_TEMPLATE`.
        pose_template (str): Pose pkl relative to ``pose_dir``, formatted
            the same way. Defaults to :data:`POSE_TEMPLATE`.
        skip_missing (bool): Skip dives with a missing video/skeleton
            instead of stopping. Defaults to False.
        score_range (tuple[float, float], optional): Range to report scores
            against instead of the nominal one of ``label``.

    Returns:
        ConversionReport: What was written, skipped and flagged.
    """
    if label not in NOMINAL_SCORE_RANGES:
        raise UserError(f"label must be 'final' or 'execution', got "
                        f'{label!r}')
    annotations = load_annotations(anno_dir)
    samples = []
    for split, keys in load_splits(anno_dir, annotations).items():
        for key in keys:
            entry, fields = annotations[key], dict(video=key[0], dive=key[1])
            samples.append(PlannedSample(
                sample_id=sample_id(key), split=split,
                score=dive_label(entry, label), class_id=0,
                class_name=CLASS_NAME,
                difficulty=float(entry['difficulty']),
                video=video_template.format(**fields),
                pose_file=osp.join(pose_dir, pose_template.format(**fields))))
    unused = len(annotations) - len(samples)
    notes = [f'{unused} annotated dive(s) are in neither split'] \
        if unused else []
    return convert_single_class(
        samples, out_file, data_root, skip_missing, 'mtl_aqa', CLASS_NAME,
        label, score_range or NOMINAL_SCORE_RANGES[label], notes)
