"""Running the per-class protocol: one resumable train + test per run.

A run (class c, seed s) trains the config with
``+{train,val,test}_dataloader.dataset.class_ids=[c]`` and seed s through
the one resumable launcher (:func:`aqa_mm.engine.launcher.launch`), which
tests the selected checkpoint once and records the result. A finished run
is skipped; an interrupted one resumes from its newest checkpoint.

Model selection, never the best epoch on the test set:

- ``'last'``: the last epoch's checkpoint; training runs without
  validation, so the test set is not even looked at during training.
- ``'val'``: a validation split carved out of train (stratified per class,
  :func:`carve_validation_split`) into a copy of the annotation file; the
  model trains on ``train_sub``, the checkpoint with the best validation ρ
  is tested once on ``test``.
"""
import os.path as osp
import pickle
from typing import Dict, List

import numpy as np

from aqa_mm.utils.cli import DataError, UserError
from aqa_mm.utils.io import atomic_pickle_dump
from aqa_mm.engine.launcher import TrainRun
from .protocol import METRIC_KEY, Run

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
TRAIN_SUB, VAL = 'train_sub', 'val'


def read_annotation(ann_file: str) -> dict:
    """Load an annotation pickle, naming the file on failure."""
    try:
        with open(ann_file, 'rb') as f:
            return pickle.load(f)
    except FileNotFoundError:
        raise
    except (OSError, pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise DataError(f'{ann_file}: unreadable annotation ({exc})') from exc


def class_names(annotation: dict, split: str = 'train') -> Dict[int, str]:
    """class id → name of the classes present in ``split``.

    Args:
        annotation (dict): Annotation dict.
        split (str): Split to look at. Defaults to ``'train'``.

    Returns:
        dict[int, str]: Sorted by class id.
    """
    ids = set(annotation.get('split', {}).get(split, ()))
    names = {int(a['class_id']): str(a.get('class_name', a['class_id']))
             for a in annotation.get('annotations', ())
             if a.get('frame_dir') in ids and 'class_id' in a}
    return dict(sorted(names.items()))


def carve_validation_split(ann_file: str, out_file: str, val_ratio: float,
                           seed: int, split: str = 'train') -> Dict[str, int]:
    """Copy an annotation file, adding ``train_sub`` / ``val`` from train.

    Each class with n ≥ 2 training samples gives max(1, round(n·ratio))
    of them (at most n − 1) to ``val``, chosen by ``seed``; the others form
    ``train_sub``. Other splits are copied unchanged. Written atomically;
    an existing file made with the same source, ratio and seed is reused,
    one made differently is an error (it would mix two protocols).

    Args:
        ann_file (str): Source annotation file.
        out_file (str): Destination ``.pkl``.
        val_ratio (float): Fraction of each class for validation, (0, 1).
        seed (int): Seed of the choice.
        split (str): Split to carve from. Defaults to ``'train'``.

    Returns:
        dict[str, int]: Sizes of ``train_sub`` and ``val``.
    """
    if not 0 < val_ratio < 1:
        raise UserError(f'--val-ratio must be in (0, 1), got {val_ratio}')
    origin = dict(source=osp.abspath(ann_file), val_ratio=float(val_ratio),
                  seed=int(seed), split=split)
    if osp.isfile(out_file):
        done = read_annotation(out_file)
        if done.get('metainfo', {}).get('carved_from') != origin:
            raise UserError(f'{out_file} was carved with other settings '
                            f"({done.get('metainfo', {}).get('carved_from')}"
                            '); use a new --work-dir')
        return {k: len(done['split'][k]) for k in (TRAIN_SUB, VAL)}
    annotation = read_annotation(ann_file)
    ids = sorted(annotation['split'][split])
    id_set = set(ids)
    by_class: Dict[int, List[str]] = {}
    for a in annotation['annotations']:
        if a['frame_dir'] in id_set:
            by_class.setdefault(int(a['class_id']), []).append(a['frame_dir'])
    rng = np.random.default_rng(seed)
    val: List[str] = []
    for c in sorted(by_class):
        members = sorted(by_class[c])
        n_val = min(max(1, round(len(members) * val_ratio)),
                    len(members) - 1)
        val += [members[i] for i in rng.permutation(len(members))[:n_val]]
    out = dict(annotation, split=dict(annotation['split']),
               metainfo=dict(annotation.get('metainfo', {}),
                             carved_from=origin))
    out['split'][VAL] = sorted(val)
    val_set = set(val)
    out['split'][TRAIN_SUB] = [i for i in ids if i not in val_set]
    atomic_pickle_dump(out, out_file)
    return {k: len(out['split'][k]) for k in (TRAIN_SUB, VAL)}


def class_options(class_id: int) -> Dict[str, list]:
    """Config overrides restricting every dataloader to one class."""
    return {f'+{loader}.dataset.class_ids': [int(class_id)]
            for loader in LOADERS}


def val_options(carved_file: str) -> Dict[str, str]:
    """Config overrides for ``'val'`` selection on a carved file."""
    options = {f'{loader}.dataset.ann_file': carved_file
               for loader in LOADERS}
    options.update({'train_dataloader.dataset.split': TRAIN_SUB,
                    'val_dataloader.dataset.split': VAL})
    return options


def train_run(run: Run, config: str, options: Dict[str, object],
              selection: str) -> TrainRun:
    """The launcher's run for one (class, seed) of the protocol.

    Args:
        run (Run): The protocol run.
        config (str): Training config.
        options (dict): Config overrides (dataloaders, schedule, class).
        selection (str): ``'last'`` or ``'val'``.

    Returns:
        TrainRun: Trained, tested and recorded by
        :func:`aqa_mm.engine.launcher.launch`.
    """
    return TrainRun(config, run.work_dir, seed=run.seed,
                    cfg_options=dict(options), select=selection,
                    best_metric=METRIC_KEY)
