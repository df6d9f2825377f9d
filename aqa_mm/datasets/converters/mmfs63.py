"""MMFS-63 → AQADataset annotation file.

MMFS (Liu et al., "Fine-grained Action Analysis: A Multi-modality and
Multi-task Dataset of Figure Skating", arXiv:2307.02730) releases its
skeletons as one Google-Drive archive (link in github.com/dingyn-Reno/MMFS);
RGB videos are given on request. MMFS-63 is its 63-class AQA subset, 3,959
train / 956 test samples. The archive's inner layout is not documented
publicly; the layout below is the one the 2M-AF authors' loader reads
(github.com/dingyn-Reno/2MAF @ 951d5d6, ``feeder/M3FS.py`` and
``config/M3FS.yaml``)::

    <skeleton_dir>/{train,test}_data.pkl   list of N arrays, one per sample,
                                           (T, V=17, C, M): C = x, y[, score]
    <skeleton_dir>/{train,test}_score.pkl  list of N float scores
    <skeleton_dir>/{train,test}_name.pkl   list of N video paths, relative
                                           to the video folder
                                           (``skating256_all/video/``)

T varies per sample (the authors resample to a 256-frame window). Their AQA
loader reads no class label: MMFS-63 is trained as one pooled model, scored
by ρ over the whole test set. **Assumption (not in the authors' code):** an
optional ``{train,test}_label.pkl`` (list of N class ids 0..62) and an
optional ``class_names.txt`` (one name per line) give the 63 classes; without
them every sample gets class 0, ``'figure_skating'``. Another array layout
can be named with ``layout`` (e.g. ``'MTVC'`` for mmaction2's).
"""
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import numpy as np

from aqa_mm.utils.cli import DataError, UserError
from .common import ConversionReport, PlannedSample, ScoreRange, convert
from .readers import load_pickled_list

EXPECTED_COUNTS = {'train': 3959, 'test': 956}
NUM_CLASSES = 63
POOLED_CLASS = 'figure_skating'
LAYOUT = 'TVCM'


def to_pose(array: np.ndarray, layout: str = LAYOUT,
            img_shape: Optional[Tuple[int, int]] = None) -> dict:
    """One released skeleton array as an mmaction2 pose dict.

    Args:
        array (np.ndarray): Skeleton with axes named by ``layout`` (T
            frames, V joints, C channels x, y[, score], M persons; M may be
            absent).
        layout (str): Axis order, a permutation of ``'TVCM'`` or ``'TVC'``.
            Defaults to ``'TVCM'`` (the authors' files).
        img_shape (tuple[int, int], optional): (H, W) stored with the pose.

    Returns:
        dict: ``keypoint`` (M, T, V, 2), ``keypoint_score`` (M, T, V) (ones
        without a score channel), ``img_shape``. An array that does not fit
        ``layout`` is returned unchanged as ``keypoint``, so that
        :func:`~.readers.check_pose` reports its shape.
    """
    arr = np.asarray(array, dtype=np.float32)
    if 'M' not in layout:
        layout, arr = layout + 'M', arr[..., None]
    if arr.ndim != 4 or arr.shape[layout.index('C')] not in (2, 3):
        # left as is: check_pose reports its shape by sample name
        return dict(keypoint=np.asarray(array), keypoint_score=arr)
    arr = arr.transpose([layout.index(a) for a in 'MTVC'])  # [M, T, V, C]
    score = arr[..., 2] if arr.shape[-1] == 3 else np.ones(arr.shape[:3],
                                                            np.float32)
    return dict(keypoint=arr[..., :2], keypoint_score=score,
                img_shape=img_shape)


def _is_number(value: object, integer: bool) -> bool:
    """Whether ``value`` is a finite number (a class id >= 0 if integer)."""
    if not isinstance(value, (int, float, np.number)) or \
            not np.isfinite(value):
        return False
    return not integer or (value >= 0 and value == int(value))


def _class_names(skeleton_dir: str, num: int) -> List[str]:
    path = osp.join(skeleton_dir, 'class_names.txt')
    if not osp.isfile(path):
        return [f'class_{i:02d}' for i in range(num)]
    with open(path, encoding='utf-8') as f:
        names = [line.strip() for line in f if line.strip()]
    if len(names) < num:
        raise DataError(f'{path}: {len(names)} names for {num} classes')
    return names


def read_split(skeleton_dir: str, split: str) -> Tuple[list, list, list,
                                                       Optional[list]]:
    """The released lists of one split, checked for equal lengths.

    Args:
        skeleton_dir (str): Folder of the ``{split}_*.pkl`` files.
        split (str): ``'train'`` or ``'test'``.

    Returns:
        tuple: (skeletons, scores, names, class ids or None), each of
        length N.
    """
    def path(kind: str) -> str:
        return osp.join(skeleton_dir, f'{split}_{kind}.pkl')

    lists = [load_pickled_list(path(k)) for k in ('data', 'score', 'name')]
    labels = load_pickled_list(path('label')) if osp.isfile(
        path('label')) else None
    lengths = {f'{split}_{k}.pkl': len(v) for k, v in zip(
        ('data', 'score', 'name', 'label'), lists + [labels]) if v is not None}
    if len(set(lengths.values())) != 1:
        raise DataError(f'{skeleton_dir}: lists of different lengths '
                        f'{lengths}')
    for kind, values in (('score', lists[1]), ('label', labels or [])):
        for i, v in enumerate(values):
            if not _is_number(v, integer=kind == 'label'):
                what = 'a class id >= 0' if kind == 'label' else 'a number'
                raise DataError(f'{path(kind)}: item {i} is {v!r}, expected '
                                f'{what}')
    return lists[0], lists[1], lists[2], labels


def convert_mmfs63(skeleton_dir: str, out_file: str,
                   video_dir: Optional[str] = None,
                   layout: str = LAYOUT,
                   img_shape: Optional[Tuple[int, int]] = None,
                   skip_missing: bool = False,
                   score_ranges: Optional[dict] = None,
                   splits: Sequence[str] = ('train', 'test')
                   ) -> ConversionReport:
    """Write the MMFS-63 annotation file.

    Args:
        skeleton_dir (str): Folder of the released ``{split}_*.pkl`` lists.
        out_file (str): Destination ``.pkl``.
        video_dir (str, optional): Video folder; when given, every
            sample's video (its ``name``) must exist there. Defaults to
            None (videos not checked; the names are still stored).
        layout (str): See :func:`to_pose`. Defaults to ``'TVCM'``.
        img_shape (tuple[int, int], optional): (H, W) of the videos the
            coordinates refer to. Defaults to None (mmaction2's
            ``PreNormalize2D`` default, 1080 x 1920).
        skip_missing (bool): Skip samples with a missing skeleton/video
            instead of stopping. Defaults to False.
        score_ranges (dict, optional): class name → (lo, hi) to report
            scores against; MMFS has no nominal range table.
        splits (Sequence[str]): Splits to read. Defaults to
            ``('train', 'test')``.

    Returns:
        ConversionReport: What was written, skipped and flagged.
    """
    if sorted(layout.replace('M', '')) != sorted('TVC') or \
            len(set(layout)) != len(layout):
        raise UserError(f"layout must order the axes T, V, C[, M], got "
                        f'{layout!r}')
    read = {s: read_split(skeleton_dir, s) for s in splits}
    with_labels = [s for s in splits if read[s][3] is not None]
    if with_labels and len(with_labels) != len(splits):
        raise DataError(f'{skeleton_dir}: label lists for {with_labels} '
                        'only; give a <split>_label.pkl for every split')
    num = max([int(c) + 1 for s in splits for c in read[s][3] or ()] or [1])
    names = _class_names(skeleton_dir, num) if with_labels else [
        POOLED_CLASS]
    samples, notes = [], []
    for split in splits:
        data, scores, vids, labels = read[split]
        if len(data) != EXPECTED_COUNTS.get(split, len(data)):
            notes.append(f'{split} has {len(data)} samples; MMFS-63 has '
                         f'{EXPECTED_COUNTS[split]}')
        for i, (arr, score, vid) in enumerate(zip(data, scores, vids)):
            cls = int(labels[i]) if labels is not None else 0
            pose = to_pose(arr, layout, img_shape) if arr is not None \
                else dict(keypoint=None, keypoint_score=None)
            samples.append(PlannedSample(
                sample_id=osp.splitext(str(vid))[0] if vid else
                f'{split}_{i:04d}', split=split, score=float(score),
                class_id=cls, class_name=names[cls],
                video=str(vid) if vid else None, pose=pose))
    if with_labels and num != NUM_CLASSES:
        notes.append(f'{num} classes; MMFS-63 has {NUM_CLASSES}')
    ranges: dict = dict(score_ranges or {})
    unknown = sorted(set(ranges) - set(names))
    if unknown:
        raise UserError(f'score range for unknown class(es) {unknown}; '
                        f'classes: {names}')
    metainfo = dict(dataset_name='mmfs63', classes=names,
                    keypoint_layout='coco', score_label='element score',
                    nominal_score_ranges={names.index(k): v
                                          for k, v in ranges.items()})
    return convert(samples, out_file, video_dir, skip_missing, metainfo,
                   ranges, notes)
