"""UNLV-Dive → AQADataset annotation file.

UNLV-Dive (Parmar & Morris, "Learning To Score Olympic Events", CVPRW 2017)
has 370 dives; its release README (mirrored in github.com/YeTianJHU/
diving-score, ``data_files/README_diving.txt``) lists::

    diving_samples_len_ori/<nnn>.avi        original-length videos
    diving_samples_len_151_lstm/<nnn>.avi   normalised to 151 frames
    diving_overall_scores.mat               'overall_scores'   (370 x 1)
    diving_difficulty_level.mat             'difficulty_level' (370 x 1)
    split_300_70/{training,testing}_idx.mat

"Execution scores: overall_scores / difficulty_level". The 2M-AF authors
read the 151-frame videos (github.com/dingyn-Reno/2MAF, ``feeder/
Diving.py``), the default ``video_template`` here.

The split is the AQA-7 diving class (300 train / 70 test, video numbers
1..370 index the score files); the UNLV ``split_300_70`` files can be used
instead. The label is the execution score, overall ÷ difficulty (the
paper's label), or the overall score; ``difficulty`` is stored either way.
"""
import os.path as osp
from typing import Dict, List, Mapping, Optional, Tuple

import numpy as np

from aqa_mm.utils.cli import DataError, UserError
from .aqa7 import read_split_rows, sample_id
from .common import (ConversionReport, PlannedSample, ScoreRange,
                     convert_single_class)
from .readers import load_mat_array

NUM_DIVES = 370
SCORE_FILES = {'overall': ('diving_overall_scores.mat', 'overall_scores'),
               'difficulty': ('diving_difficulty_level.mat',
                              'difficulty_level')}
UNLV_SPLIT_FILES = {'train': ('training_idx.mat', 'training_idx'),
                    'test': ('testing_idx.mat', 'testing_idx')}
# Execution = sum of the three middle judges' marks (0-10 each); overall:
# the AQA-7 diving range of CoRe / MUSDL (the same 370 dives).
NOMINAL_SCORE_RANGES: Dict[str, ScoreRange] = {'execution': (0.0, 30.0),
                                               'overall': (21.6, 102.6)}
VIDEO_TEMPLATE = 'diving_samples_len_151_lstm/{index:03d}.avi'
POSE_TEMPLATE = '{index:03d}.pkl'
CLASS_NAME = 'diving'


def load_scores(score_dir: str) -> Tuple[np.ndarray, np.ndarray]:
    """Overall scores and difficulties of the 370 dives.

    Args:
        score_dir (str): Folder of the two ``.mat`` score files.

    Returns:
        tuple: (overall (370,), difficulty (370,)), float64, entry i is
        video number i + 1.
    """
    out = []
    for name, key in SCORE_FILES.values():
        path = osp.join(score_dir, name)
        values = load_mat_array(path, key).astype(np.float64).ravel()
        if values.shape != (NUM_DIVES, ):
            raise DataError(f'{path}: {key} has {values.size} values, '
                            f'expected {NUM_DIVES}')
        if not np.all(np.isfinite(values) & (values > 0)):
            raise DataError(f'{path}: {key} has non-positive or non-finite '
                            'values')
        out.append(values)
    return out[0], out[1]


def execution_scores(overall: np.ndarray,
                     difficulty: np.ndarray) -> np.ndarray:
    """The paper's label: execution = overall ÷ difficulty.

    Args:
        overall (np.ndarray): Overall scores, shape (N,).
        difficulty (np.ndarray): Degrees of difficulty, shape (N,).

    Returns:
        np.ndarray: Execution scores, shape (N,).
    """
    return np.asarray(overall, np.float64) / np.asarray(difficulty,
                                                        np.float64)


def split_indices(split_dir: Optional[str], overall: np.ndarray,
                  unlv_split_dir: Optional[str] = None
                  ) -> Dict[str, List[int]]:
    """Train/test video numbers (1-based).

    Args:
        split_dir (str, optional): Folder of the AQA-7 split_4 files; their
            diving rows (class 1) are the split. Their scores must equal
            the overall scores, which is checked.
        overall (np.ndarray): Overall scores, shape (370,).
        unlv_split_dir (str, optional): Folder of the UNLV
            ``{training,testing}_idx.mat`` files, used instead when given.

    Returns:
        dict[str, list[int]]: ``'train'`` and ``'test'`` video numbers.
    """
    if unlv_split_dir is not None:
        split = {s: [int(i) for i in load_mat_array(
            osp.join(unlv_split_dir, name), key).ravel()]
            for s, (name, key) in UNLV_SPLIT_FILES.items()}
    elif split_dir is None:
        raise UserError('give the AQA-7 split folder (--split-dir) or the '
                        'UNLV split_300_70 folder (--unlv-split-dir)')
    else:
        rows, _ = read_split_rows(split_dir)
        split, wrong = {}, []
        for name, mat in rows.items():
            dives = mat[mat[:, 0] == 1]
            split[name] = [int(i) for i in dives[:, 1]]
            for index, score in dives[:, 1:]:
                if 1 <= index <= NUM_DIVES and \
                        not np.isclose(score, overall[int(index) - 1]):
                    wrong.append(f'diving_{int(index):03d} ({score:g} vs '
                                 f'{overall[int(index) - 1]:g})')
        if wrong:
            raise DataError(f'{split_dir}: AQA-7 diving scores differ from '
                            f'diving_overall_scores.mat for {len(wrong)} '
                            f'dive(s): {", ".join(wrong[:20])}')
    every = [i for ids in split.values() for i in ids]
    bad = sorted({i for i in every if not 1 <= i <= NUM_DIVES})
    if bad or len(set(every)) != len(every):
        raise DataError(f'UNLV-Dive split: video numbers must be distinct '
                        f'and in 1..{NUM_DIVES}; bad: {bad[:20]}')
    return split


def convert_unlv_dive(split_dir: Optional[str], score_dir: str,
                      data_root: str,
                      pose_dir: str, out_file: str,
                      label: str = 'execution',
                      unlv_split_dir: Optional[str] = None,
                      video_template: str = VIDEO_TEMPLATE,
                      pose_template: str = POSE_TEMPLATE,
                      skip_missing: bool = False,
                      score_range: Optional[ScoreRange] = None
                      ) -> ConversionReport:
    """Write the UNLV-Dive annotation file (one class, 300 / 70).

    Args:
        split_dir (str, optional): Folder of the AQA-7 split_4 ``.mat``
            files; see :func:`split_indices`.
        score_dir (str): Folder of the two UNLV score ``.mat`` files.
        data_root (str): UNLV-Dive release root; ``video`` paths are
            relative to it.
        pose_dir (str): Folder of the pose pkls (``<nnn>.pkl``).
        out_file (str): Destination ``.pkl``.
        label (str): ``'execution'`` (overall ÷ difficulty, the paper's
            label) or ``'overall'``. Defaults to ``'execution'``.
        unlv_split_dir (str, optional): See :func:`split_indices`.
        video_template (str): Video path relative to ``data_root``,
            formatted with ``index``. Defaults to :data:`VIDEO_TEMPLATE`.
        pose_template (str): Pose pkl path relative to ``pose_dir``.
            Defaults to :data:`POSE_TEMPLATE`.
        skip_missing (bool): Skip samples with a missing video/skeleton
            instead of stopping. Defaults to False.
        score_range (tuple[float, float], optional): Range to report scores
            against instead of the nominal one of ``label``.

    Returns:
        ConversionReport: What was written, skipped and flagged.
    """
    if label not in NOMINAL_SCORE_RANGES:
        raise UserError(f"label must be 'execution' or 'overall', got "
                        f'{label!r}')
    overall, difficulty = load_scores(score_dir)
    scores = overall if label == 'overall' else execution_scores(
        overall, difficulty)
    samples = []
    for split, indices in split_indices(split_dir, overall,
                                        unlv_split_dir).items():
        for index in indices:
            samples.append(PlannedSample(
                sample_id=sample_id(CLASS_NAME, index), split=split,
                score=float(scores[index - 1]), class_id=0,
                class_name=CLASS_NAME,
                difficulty=float(difficulty[index - 1]),
                video=video_template.format(index=index),
                pose_file=osp.join(pose_dir,
                                   pose_template.format(index=index))))
    return convert_single_class(
        samples, out_file, data_root, skip_missing, 'unlv_dive', CLASS_NAME,
        label, score_range or NOMINAL_SCORE_RANGES[label])
