"""AQA-7 → AQADataset annotation file.

AQA-7 (Parmar & Morris, "Action Quality Assessment Across Multiple Actions",
WACV 2019) is distributed as ``AQA-7.zip`` (http://rtis.oit.unlv.edu/
datasets.html). Layout of the release, as read by the 2M-AF authors' own
loader (github.com/dingyn-Reno/2MAF, ``feeder/AQA7.py`` and
``config/AQA7.yaml``)::

    AQA-7/
      Actions/<class>/<nnn>.avi     one trimmed video per sample, nnn = video
                                    number zero-padded to 3 digits
      Split_4/split_4_train_list.mat   'consolidated_train_list' (803 x 3)
      Split_4/split_4_test_list.mat    'consolidated_test_list'  (303 x 3)

with ``<class>`` one of diving, gym_vault, ski_big_air, snowboard_big_air,
sync_diving_3m, sync_diving_10m, trampoline (split class ids 1..7). Each
split row is ``[class id, video number, score]``. Trampoline (7) is excluded,
as in the literature. CoRe (github.com/yuxumin/CoRe, README and
``datasets/SevenPair.py``) uses a frames version instead,
``<class>-out/<nnn>/img_%05d.jpg`` (103 frames per video); pass
``video_template='{class_name}-out/{index:03d}'`` for it.

Skeletons are the per-video pose pkls of ``tools/extract_pose.py``. Video
ids repeat across classes (every class has a ``001.avi``), so run the pose
tool once per class folder: ``POSES/<class>/<nnn>.pkl`` (the default
``pose_template``).
"""
import os.path as osp
from typing import Dict, List, Mapping, Optional, Tuple

import numpy as np

from aqa_mm.utils.cli import DataError
from .common import ConversionReport, PlannedSample, ScoreRange, convert
from .readers import load_mat_array

CLASS_NAMES = ('diving', 'gym_vault', 'ski_big_air', 'snowboard_big_air',
               'sync_diving_3m', 'sync_diving_10m')
TRAMPOLINE_ID = 7  # 1-based id in the split files; excluded
SPLIT_FILES = {
    'train': ('split_4_train_list.mat', 'consolidated_train_list'),
    'test': ('split_4_test_list.mat', 'consolidated_test_list'),
}
# The per-class score ranges used by CoRe (utils/misc.py) and MUSDL: the
# min/max of each class over the official train and test lists (diving's
# 21.6 is a test sample; its train minimum is 29.7). Used only to report
# suspicious scores; training uses ranges from the train split.
NOMINAL_SCORE_RANGES: Dict[str, ScoreRange] = {
    'diving': (21.6, 102.6),
    'gym_vault': (12.3, 16.87),
    'ski_big_air': (8.0, 50.0),
    'snowboard_big_air': (8.0, 50.0),
    'sync_diving_3m': (46.2, 104.88),
    'sync_diving_10m': (49.8, 99.36),
}
VIDEO_TEMPLATE = 'Actions/{class_name}/{index:03d}.avi'
POSE_TEMPLATE = '{class_name}/{index:03d}.pkl'


def sample_id(class_name: str, index: int) -> str:
    """Annotation id of one AQA-7 video, e.g. ``'diving_054'``.

    Args:
        class_name (str): One of :data:`CLASS_NAMES`.
        index (int): Video number (1-based).

    Returns:
        str: The id.
    """
    return f'{class_name}_{index:03d}'


def read_split_rows(split_dir: str) -> Tuple[Dict[str, np.ndarray], int]:
    """Read and check the official split_4 lists, trampoline removed.

    Args:
        split_dir (str): Folder holding ``split_4_{train,test}_list.mat``.

    Returns:
        tuple: (``{'train': rows, 'test': rows}``, each rows (N, 3) float64
        ``[class id (1..6), video number, score]``; number of trampoline
        rows dropped).
    """
    rows, dropped = {}, 0
    for split, (name, key) in SPLIT_FILES.items():
        path = osp.join(split_dir, name)
        mat = load_mat_array(path, key).astype(np.float64)
        if mat.ndim != 2 or mat.shape[1] != 3:
            raise DataError(f'{path}: {key} has shape {mat.shape}, expected '
                            '(N, 3) rows [class, video number, score]')
        ids = mat[:, 0]
        bad = sorted(set(ids[(ids < 1) | (ids > TRAMPOLINE_ID)
                             | (ids != np.round(ids))].tolist()))
        if bad:
            raise DataError(f'{path}: unknown class id(s) {bad} (expected '
                            f'1..{TRAMPOLINE_ID})')
        if np.any(mat[:, 1] < 1) or np.any(mat[:, 1] != np.round(mat[:, 1])):
            raise DataError(f'{path}: video numbers must be integers >= 1')
        keep = ids != TRAMPOLINE_ID
        dropped += int((~keep).sum())
        rows[split] = mat[keep]
    return rows, dropped


def plan_samples(rows: Mapping[str, np.ndarray], pose_dir: str,
                 video_template: str = VIDEO_TEMPLATE,
                 pose_template: str = POSE_TEMPLATE) -> List[PlannedSample]:
    """One :class:`PlannedSample` per split row.

    Args:
        rows (Mapping[str, np.ndarray]): Output of :func:`read_split_rows`.
        pose_dir (str): Folder of the pose pkls.
        video_template (str): Video path relative to the release root,
            formatted with ``class_name`` and ``index``. Defaults to
            :data:`VIDEO_TEMPLATE`.
        pose_template (str): Pose pkl path relative to ``pose_dir``.
            Defaults to :data:`POSE_TEMPLATE`.

    Returns:
        list[PlannedSample]: Train samples, then test samples.
    """
    samples = []
    for split, mat in rows.items():
        for cls, index, score in mat:
            class_id, index = int(cls) - 1, int(index)
            name = CLASS_NAMES[class_id]
            fields = dict(class_name=name, index=index)
            samples.append(PlannedSample(
                sample_id=sample_id(name, index), split=split,
                score=float(score), class_id=class_id, class_name=name,
                video=video_template.format(**fields),
                pose_file=osp.join(pose_dir, pose_template.format(**fields))))
    return samples


def convert_aqa7(split_dir: str, data_root: str, pose_dir: str,
                 out_file: str, video_template: str = VIDEO_TEMPLATE,
                 pose_template: str = POSE_TEMPLATE,
                 skip_missing: bool = False,
                 score_ranges: Optional[Mapping[str, ScoreRange]] = None
                 ) -> ConversionReport:
    """Write the AQA-7 annotation file (6 classes, 803 train / 303 test).

    Args:
        split_dir (str): Folder of the split_4 ``.mat`` files (the release's
            ``Split_4``).
        data_root (str): Release root; ``video`` paths are relative to it
            (use it as ``data_prefix['video']``).
        pose_dir (str): Folder of the pose pkls.
        out_file (str): Destination ``.pkl``.
        video_template (str): See :func:`plan_samples`.
        pose_template (str): See :func:`plan_samples`.
        skip_missing (bool): Skip samples with a missing video/skeleton
            instead of stopping. Defaults to False.
        score_ranges (Mapping[str, tuple[float, float]], optional): Ranges
            replacing :data:`NOMINAL_SCORE_RANGES` for the named classes.

    Returns:
        ConversionReport: What was written, skipped and flagged.
    """
    rows, dropped = read_split_rows(split_dir)
    samples = plan_samples(rows, pose_dir, video_template, pose_template)
    ranges = {**NOMINAL_SCORE_RANGES, **(score_ranges or {})}
    metainfo = dict(dataset_name='aqa7', classes=list(CLASS_NAMES),
                    keypoint_layout='coco', score_label='final score',
                    nominal_score_ranges={CLASS_NAMES.index(k): v
                                          for k, v in ranges.items()})
    notes = [f'dropped {dropped} trampoline row(s)'] if dropped else []
    return convert(samples, out_file, data_root, skip_missing, metainfo,
                   ranges, notes)
