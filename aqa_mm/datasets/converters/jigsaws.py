"""JIGSAWS robot kinematics with expert GRS scores → the AQADataset
annotation pkl (see :mod:`.jigsaws_reader` for the source layout).

One annotation per trial with kinematics::

    frame_dir (str)             trial name, e.g. 'Suturing_B001'
    total_frames (int)          T (30 Hz)
    keypoint (np.ndarray)       (1, T, 4, 19) float32: M = 1, V = the four
                                manipulators (MANIPULATORS), C = the 19
                                values of each (CHANNELS)
    score (float | None)        GRS total (6-30); None when unscored
    scores_items (np.ndarray)   the six GRS items (GRS_ITEMS), (6,) float32;
                                None when unscored
    class_id (int), class_name  the task: 0 Knot_Tying, 1 Needle_Passing,
                                2 Suturing
    skill (str | None)          self-proclaimed level 'N' / 'I' / 'E'
    subject (str), trial (int)  e.g. 'B', 1
    difficulty                  None

Named splits:

- ``<task>_fold<k>_train`` / ``<task>_fold<k>_test`` (k = 0..3): fold k of
  the split file (MUSDL's ``splits.pkl``: ``{task: [fold0, ..., fold3]}``)
  is the test part, the other three the training part. Scored trials with
  kinematics only.
- ``all``: every trial with kinematics, scored or not (label-free
  pretraining; AQADataset refuses unscored samples, so a split with them is
  read by a label-free loader).
- with ``loso=True``, ``<task>_loso_<subject>_train`` / ``_test``:
  leave-one-user-out, the subject's scored trials as the test part.

A scored trial without kinematics (Suturing_G001 in the released data) is
skipped by name in the report, never a crash.
"""
from typing import Dict, List, Mapping, Optional, Sequence

import numpy as np

from aqa_mm.utils.cli import DataError
from aqa_mm.utils.io import atomic_pickle_dump
from .common import ConversionReport
from .jigsaws_reader import (TASKS, TrialMeta, read_jigsaws,
                             split_trial_name)
from .readers import load_restricted_pickle

NUM_FOLDS = 4


def load_fold_file(path: str,
                   tasks: Sequence[str] = TASKS) -> Dict[str, List[List[str]]]:
    """Read and check a per-task fold file (MUSDL's ``splits.pkl``).

    Args:
        path (str): The pickle, read with the restricted unpickler.
        tasks (Sequence[str]): Tasks that must be in it.

    Returns:
        dict[str, list[list[str]]]: ``NUM_FOLDS`` lists of trial names per
        task in ``tasks``.

    Raises:
        DataError: Naming ``path``: not a dict of lists of name lists, a
            missing task, a wrong fold count, a foreign or repeated name.
    """
    folds = load_restricted_pickle(path)
    if not isinstance(folds, dict):
        raise DataError(f'{path}: expected a dict {{task: [folds]}}, got '
                        f'{type(folds).__name__}')
    out = {}
    for task in tasks:
        task_folds = folds.get(task)
        if not isinstance(task_folds, (list, tuple)) or \
                len(task_folds) != NUM_FOLDS:
            raise DataError(f'{path}: {task!r} must map to {NUM_FOLDS} fold '
                            f'lists, got {task_folds!r:.60}')
        seen = set()
        for k, fold in enumerate(task_folds):
            if not isinstance(fold, (list, tuple)) or \
                    not all(isinstance(n, str) for n in fold):
                raise DataError(f'{path}: {task} fold {k} is not a list of '
                                'trial names')
            for name in fold:
                if split_trial_name(name)[0] != task or name in seen:
                    raise DataError(f'{path}: {task} fold {k}: {name!r} is '
                                    'a repeated or foreign trial')
                seen.add(name)
        out[task] = [list(f) for f in task_folds]
    return out


def fold_splits(folds: Mapping[str, Sequence[Sequence[str]]],
                usable: Sequence[str]) -> Dict[str, List[str]]:
    """The ``<task>_fold<k>_train`` / ``_test`` splits.

    Args:
        folds (Mapping[str, Sequence[Sequence[str]]]): Fold lists per task.
        usable (Sequence[str]): Trials that are scored and have kinematics;
            fold members outside it are left out.

    Returns:
        dict[str, list[str]]: Sorted trial names per split.
    """
    usable = set(usable)
    splits = {}
    for task, task_folds in folds.items():
        for k, fold in enumerate(task_folds):
            others = [n for j, f in enumerate(task_folds) if j != k
                      for n in f]
            splits[f'{task}_fold{k}_train'] = sorted(set(others) & usable)
            splits[f'{task}_fold{k}_test'] = sorted(set(fold) & usable)
    return splits


def loso_splits(usable: Sequence[str]) -> Dict[str, List[str]]:
    """Leave-one-user-out splits ``<task>_loso_<subject>_train`` / ``_test``.

    Args:
        usable (Sequence[str]): Scored trials with kinematics.

    Returns:
        dict[str, list[str]]: Sorted trial names per split, for every
        (task, subject) pair present.
    """
    by_task: Dict[str, List[str]] = {}
    for name in usable:
        by_task.setdefault(split_trial_name(name)[0], []).append(name)
    splits = {}
    for task, names in sorted(by_task.items()):
        subjects = sorted({split_trial_name(n)[1] for n in names})
        for subject in subjects:
            test = [n for n in names if split_trial_name(n)[1] == subject]
            splits[f'{task}_loso_{subject}_train'] = sorted(set(names) -
                                                            set(test))
            splits[f'{task}_loso_{subject}_test'] = sorted(test)
    return splits


def make_annotation(name: str, kinematics: np.ndarray,
                    meta: Optional[TrialMeta] = None) -> dict:
    """The annotation dict of one trial (fields in the module docstring).

    Args:
        name (str): Trial name.
        kinematics (np.ndarray): (T, 4, 19) float32.
        meta (TrialMeta, optional): Its scores; None when unscored.

    Returns:
        dict: The annotation, ``keypoint`` (1, T, 4, 19).
    """
    task, subject, trial = split_trial_name(name)
    return dict(
        frame_dir=name, total_frames=int(kinematics.shape[0]),
        keypoint=kinematics[None],
        score=None if meta is None else float(meta.grs),
        scores_items=None if meta is None else meta.items,
        class_id=TASKS.index(task), class_name=task,
        skill=None if meta is None else meta.skill,
        subject=subject, trial=trial, difficulty=None)


def convert_jigsaws(source: str, fold_file: str, out_file: str,
                    loso: bool = False,
                    tasks: Sequence[str] = TASKS) -> ConversionReport:
    """Convert JIGSAWS kinematics and scores to an annotation pkl.

    Args:
        source (str): Extracted folder or the ``.tar.xz`` archive.
        fold_file (str): MUSDL's ``splits.pkl``.
        out_file (str): Destination ``.pkl``, written atomically.
        loso (bool): Also write the leave-one-user-out splits. Defaults to
            False.
        tasks (Sequence[str]): Tasks to convert. Defaults to all three.

    Returns:
        ConversionReport: Trials per split (``all``, ``scored``, and the
        ``<task>_fold<k>_test`` parts), scored trials skipped for missing
        kinematics, and fold members never scored.

    Raises:
        DataError: A bad source file or fold file (named).
    """
    kinematics, meta = read_jigsaws(source, tasks)
    folds = load_fold_file(fold_file, tasks)
    usable = sorted(n for n in meta if n in kinematics)
    splits = fold_splits(folds, usable)
    if loso:
        splits.update(loso_splits(usable))
    splits['all'] = sorted(kinematics)
    annotations = [make_annotation(n, kin, meta.get(n))
                   for n, kin in kinematics.items()]
    atomic_pickle_dump(dict(split=splits, annotations=annotations), out_file)

    counts = dict(all=len(kinematics), scored=len(usable))
    counts.update((k, len(v)) for k, v in splits.items()
                  if k.endswith('_test') and '_fold' in k)
    report = ConversionReport(out_file=out_file, counts=counts)
    report.skipped = [f'{n}: scored, but no kinematics file' for n in meta
                      if n not in kinematics]
    in_folds = {n for fs in folds.values() for f in fs for n in f}
    unscored = sorted(n for n in in_folds if n not in meta)
    if unscored:
        report.notes.append(f'{len(unscored)} fold member(s) without a '
                            f'score, left out: {", ".join(unscored)}')
    outside = sorted(set(usable) - in_folds)
    if outside:
        report.notes.append(f'{len(outside)} scored trial(s) in no fold '
                            f'(in all only): {", ".join(outside)}')
    report.notes.append(f'{len(kinematics) - len(usable)} unscored trial(s) '
                        'with kinematics, in all only')
    return report
