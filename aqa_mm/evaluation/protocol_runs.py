"""Running the per-class protocol: one resumable train + test per run.

A run (class c, seed s) calls ``tools/train.py`` with
``+{train,val,test}_dataloader.dataset.class_ids=[c]`` and ``--seed s``,
then ``tools/test.py --metrics-out <run>/metrics.json`` on the selected
checkpoint. A finished run (metrics file present) is skipped; an
interrupted training resumes from its newest checkpoint (``--resume``).

Model selection, never the best epoch on the test set:

- ``'last'``: the last epoch's checkpoint; training runs with
  ``--no-validate``, so the test set is not even looked at during training.
- ``'val'``: a validation split carved out of train (stratified per class,
  :func:`carve_validation_split`) into a copy of the annotation file; the
  model trains on ``train_sub``, the checkpoint with the best validation ρ
  (``save_best``) is tested once on ``test``.
"""
import glob
import os
import os.path as osp
import pickle
import subprocess
from typing import Dict, List, Sequence

import numpy as np

from aqa_mm.utils.cli import DataError, UserError
from aqa_mm.utils.io import atomic_pickle_dump, atomic_write_text
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


def class_options(class_id: int) -> List[str]:
    """``--cfg-options`` restricting every dataloader to one class."""
    return [f'+{loader}.dataset.class_ids=[{int(class_id)}]'
            for loader in LOADERS]


def val_options(carved_file: str) -> List[str]:
    """``--cfg-options`` for ``'val'`` selection on a carved file."""
    return [f'{loader}.dataset.ann_file={carved_file}' for loader in LOADERS
            ] + [f'train_dataloader.dataset.split={TRAIN_SUB}',
                 f'val_dataloader.dataset.split={VAL}',
                 f'+default_hooks.checkpoint.save_best={METRIC_KEY}',
                 '+default_hooks.checkpoint.rule=greater']


def train_command(python: str, tools_dir: str, config: str, run: Run,
                  options: Sequence[str], selection: str) -> List[str]:
    """``tools/train.py`` command line of one run (resumable)."""
    cmd = [python, osp.join(tools_dir, 'train.py'), config, '--work-dir',
           run.work_dir, '--seed', str(run.seed), '--resume']
    if selection == 'last':
        cmd.append('--no-validate')
    return cmd + ['--cfg-options', *options]


def test_command(python: str, tools_dir: str, config: str, checkpoint: str,
                 run: Run, options: Sequence[str]) -> List[str]:
    """``tools/test.py`` command line writing the run's metrics file."""
    return [python, osp.join(tools_dir, 'test.py'), config, checkpoint,
            '--work-dir', osp.join(run.work_dir, 'test'), '--metrics-out',
            run.metrics_file, '--cfg-options', *options]


def find_checkpoint(run: Run, selection: str) -> str:
    """The checkpoint to test: the last one, or the best on validation."""
    if selection == 'val':
        best = sorted(glob.glob(osp.join(run.work_dir, 'best_*.pth')),
                      key=osp.getmtime)
        if not best:
            raise UserError(f'{run.work_dir}: no best_*.pth; was validation '
                            'run (train_cfg.val_interval) and was ρ finite?')
        return best[-1]
    marker = osp.join(run.work_dir, 'last_checkpoint')
    if not osp.isfile(marker):
        raise UserError(f'{run.work_dir}: no last_checkpoint file; did '
                        'training save a checkpoint?')
    with open(marker, encoding='utf-8') as f:
        path = f.read().strip()
    if not osp.isfile(path):
        raise UserError(f'{marker} points to a missing file: {path}')
    return path


def execute(cmd: Sequence[str], log_file: str, cwd: str) -> None:
    """Run ``cmd``, its output going to ``log_file``; fail with its tail."""
    os.makedirs(osp.dirname(log_file), exist_ok=True)
    with open(log_file, 'w', encoding='utf-8') as log:
        code = subprocess.call(list(cmd), stdout=log,
                               stderr=subprocess.STDOUT, cwd=cwd)
    if code != 0:
        with open(log_file, encoding='utf-8', errors='replace') as f:
            tail = [ln.strip() for ln in f.read().splitlines() if ln.strip()]
        raise UserError(f'{osp.basename(cmd[1])} failed (exit {code}) for '
                        f'{osp.dirname(log_file)}: '
                        f'{tail[-1] if tail else "no output"} (log: '
                        f'{log_file})')


def run_one(run: Run, python: str, tools_dir: str, config: str,
            options: Sequence[str], selection: str, cwd: str) -> None:
    """Train (unless already trained) and test one run.

    Args:
        run (Run): The run.
        python (str): Interpreter for the tools.
        tools_dir (str): Folder of ``train.py`` / ``test.py``.
        config (str): Config file.
        options (Sequence[str]): ``--cfg-options`` for both tools.
        selection (str): ``'last'`` or ``'val'``.
        cwd (str): Working directory of the tools (the repository root).
    """
    trained = osp.join(run.work_dir, 'train_done')
    if not osp.isfile(trained):
        execute(train_command(python, tools_dir, config, run, options,
                              selection),
                osp.join(run.work_dir, 'train_stdout.log'), cwd)
        atomic_write_text('done\n', trained)
    checkpoint = find_checkpoint(run, selection)
    execute(test_command(python, tools_dir, config, checkpoint, run,
                         options),
            osp.join(run.work_dir, 'test_stdout.log'), cwd)
