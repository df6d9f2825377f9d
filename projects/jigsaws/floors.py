"""The two floors of the JIGSAWS study: what a deep model on the kinematics
has to beat.

    python -m projects.jigsaws.floors --data data/jigsaws [--protocol loso]

``--data`` holds ``jigsaws_kinematics.tar.xz`` (read in place) or the
extracted ``JIGSAWS/`` folder, and ``musdl_splits.pkl`` (MUSDL's 4 folds
per task). For each task and each fold (fold k the test part, the other
three the training part; scored trials with kinematics only):

- ``duration``: the trial's duration alone, shorter is better (the
  prediction is -T); nothing is fitted;
- ``summary_ridge``: the 29 statistics of :mod:`.features` with ridge
  regression (:mod:`.ridge`), fitted on the training part only, its
  penalty chosen by leave-one-out CV inside the training part.

Metric: Spearman's rho of each test fold, averaged over the folds of a task;
then the Fisher-z average over the three tasks. ``--protocol loso`` leaves
one subject out instead (one part per subject); a subject has only 3-5
trials, so there the headline is the Spearman of all test predictions of a
task pooled (both are recorded under either protocol). Writes ``--out`` (default
``projects/jigsaws/results/floors.json``, or ``floors_loso.json``) and
prints the table.
"""
import argparse
import datetime
import hashlib
import os
import os.path as osp
import platform
import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from aqa_mm.datasets.converters.jigsaws import (NUM_FOLDS, fold_splits,
                                                load_fold_file, loso_splits)
from aqa_mm.datasets.converters.jigsaws_reader import TASKS, read_jigsaws
from aqa_mm.evaluation.functional import fisher_z_average, spearman
from aqa_mm.utils.cli import UserError, friendly_errors
from .features import feature_names, summary_statistics
from .report import floors_table, write_json
from .ridge import ALPHAS, RidgeLOO

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RESULTS = osp.join('projects', 'jigsaws', 'results')
ARCHIVE, FOLD_FILE = 'jigsaws_kinematics.tar.xz', 'musdl_splits.pkl'
# floor -> ridge penalty grid (None: duration alone, nothing fitted)
FLOORS = dict(duration=None, summary_ridge=ALPHAS,
              summary_ridge_alpha1=(1.0, ))
# fixed penalties whose test numbers show how much the floor depends on it
SENSITIVITY_ALPHAS = (0.1, 1.0, 10.0, 100.0)
Part = Tuple[List[str], List[str]]  # (train names, test names)


def find_inputs(data: str) -> Tuple[str, str]:
    """The kinematics source and fold file in ``data``.

    Args:
        data (str): Folder with ``musdl_splits.pkl`` and the archive or an
            extracted ``JIGSAWS/`` folder (the archive wins).

    Returns:
        tuple[str, str]: Source (archive or folder) and fold file paths.
    """
    folds = osp.join(data, FOLD_FILE)
    if not osp.isfile(folds):
        raise UserError(f'{folds} not found')
    if osp.isfile(osp.join(data, ARCHIVE)):
        return osp.join(data, ARCHIVE), folds
    if osp.isdir(osp.join(data, 'JIGSAWS')):
        return data, folds
    raise UserError(f'{data}: neither {ARCHIVE} nor a JIGSAWS/ folder')


def protocol_parts(fold_file: str, usable: Sequence[str],
                   protocol: str) -> Dict[str, List[Part]]:
    """The (train, test) parts of every task.

    Args:
        fold_file (str): MUSDL's ``splits.pkl``.
        usable (Sequence[str]): Scored trials with kinematics.
        protocol (str): ``'folds'`` (MUSDL's 4 folds) or ``'loso'``.

    Returns:
        dict[str, list[tuple[list[str], list[str]]]]: Parts per task.
    """
    if protocol == 'folds':
        splits = fold_splits(load_fold_file(fold_file), usable)
        keys = {t: [f'{t}_fold{k}' for k in range(NUM_FOLDS)]
                for t in TASKS}
    else:
        splits = loso_splits(usable)
        keys = {t: sorted(k[:-len('_test')] for k in splits
                          if k.startswith(f'{t}_loso_') and
                          k.endswith('_test')) for t in TASKS}
    return {t: [(splits[f'{k}_train'], splits[f'{k}_test']) for k in ks]
            for t, ks in keys.items()}


def predict(alphas: Optional[Sequence[float]],
            feats: Dict[str, np.ndarray], scores: Dict[str, float],
            part: Part) -> Tuple[np.ndarray, Optional[float]]:
    """One floor's predictions on a test part.

    Args:
        alphas (Sequence[float], optional): None for the duration floor
            (-T, nothing fitted); else the ridge's penalty grid (one value:
            a fixed penalty).
        feats (dict[str, np.ndarray]): (29,) statistics per trial.
        scores (dict[str, float]): GRS per trial (training part read only).
        part (tuple[list[str], list[str]]): Train and test trial names.

    Returns:
        tuple[np.ndarray, float | None]: (N_test,) predictions, and the
        ridge's chosen penalty (None for the duration floor).
    """
    train, test = part
    x_test = np.stack([feats[n] for n in test])  # [N_test, 29]
    if alphas is None:
        return -x_test[:, 0], None
    model = RidgeLOO(alphas).fit(np.stack([feats[n] for n in train]),
                                 np.array([scores[n] for n in train]))
    return model.predict(x_test), model.alpha_


def evaluate(feats: Dict[str, np.ndarray], scores: Dict[str, float],
             parts: Dict[str, List[Part]],
             alphas: Optional[Sequence[float]]) -> dict:
    """One floor on every task and part.

    Args:
        feats (dict[str, np.ndarray]): (29,) statistics per trial.
        scores (dict[str, float]): GRS per scored trial.
        parts (dict[str, list[Part]]): (train, test) parts per task.
        alphas (Sequence[float], optional): As in :func:`predict`.

    Returns:
        dict: ``tasks`` (per task: ``folds`` rho per part, their ``mean``,
        ``pooled`` rho over all test predictions of the task, ``test_sizes``
        and the ridge's chosen ``alphas``), ``fisher_z`` over the tasks'
        means and ``fisher_z_pooled`` over the pooled ones.
    """
    tasks, means, pooled = {}, [], []
    for task, task_parts in parts.items():
        rhos, chosen, preds, gts = [], [], [], []
        for part in task_parts:
            pred, alpha = predict(alphas, feats, scores, part)
            gts += [scores[n] for n in part[1]]
            preds += list(pred)
            rhos.append(spearman(pred, gts[-len(pred):]))
            chosen.append(alpha)
        means.append(float(np.mean(rhos)))
        pooled.append(spearman(preds, gts))
        tasks[task] = dict(folds=[round(r, 4) for r in rhos],
                           mean=round(means[-1], 4),
                           pooled=round(pooled[-1], 4),
                           test_sizes=[len(p[1]) for p in task_parts])
        if alphas is not None:
            tasks[task]['alphas'] = [round(a, 4) for a in chosen]
    return dict(tasks=tasks, fisher_z=round(fisher_z_average(means), 4),
                fisher_z_pooled=round(fisher_z_average(pooled), 4))


def portable(path: str) -> str:
    """``path`` as recorded: relative to the repository, or under
    ``$AQA_DATA_DIR``, else its base name (never an absolute path)."""
    path = osp.abspath(path)
    data_root = os.environ.get('AQA_DATA_DIR')
    if data_root and path.startswith(osp.abspath(data_root) + os.sep):
        return '$AQA_DATA_DIR/' + osp.relpath(path, osp.abspath(data_root))
    if path.startswith(ROOT + os.sep):
        return osp.relpath(path, ROOT)
    return osp.basename(path)


def _sha256(path: str) -> str:
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()  # inputs < 100 MB


def run(data: str, protocol: str = 'folds') -> dict:
    """Read the data, compute both floors, return the record.

    Args:
        data (str): See :func:`find_inputs`.
        protocol (str): ``'folds'`` or ``'loso'``. Defaults to ``'folds'``.

    Returns:
        dict: The results record (written by :func:`main`).
    """
    start = time.time()
    source, fold_file = find_inputs(data)
    kinematics, meta = read_jigsaws(source)
    usable = sorted(n for n in meta if n in kinematics)
    feats = {n: summary_statistics(kinematics[n]) for n in usable}
    scores = {n: meta[n].grs for n in usable}
    parts = protocol_parts(fold_file, usable, protocol)
    floors = {name: evaluate(feats, scores, parts, alphas)
              for name, alphas in FLOORS.items()}
    sensitivity = {str(a): evaluate(feats, scores, parts, (a, ))['fisher_z']
                   for a in SENSITIVITY_ALPHAS}
    inputs = {portable(p): _sha256(p) for p in (source, fold_file)
              if osp.isfile(p)}
    return dict(
        command=f'python -m projects.jigsaws.floors --data {portable(data)}'
        + (' --protocol loso' if protocol == 'loso' else ''),
        protocol=protocol, inputs_sha256=inputs,
        trials=dict(usable=len(usable),
                    skipped=[n for n in meta if n not in kinematics]),
        metric='folds: Spearman rho per test part, mean over the parts of '
        'a task, Fisher-z average of the three task means (fisher_z); loso: '
        'Spearman rho of all test predictions of a task pooled, Fisher-z '
        'average (fisher_z_pooled), as a subject has 3-5 trials',
        features=feature_names(),
        ridge='features standardised on the training part; summary_ridge: '
        'penalty from 25 log-spaced values in [1e-2, 1e4] by leave-one-out '
        'CV on the training part; summary_ridge_alpha1: penalty fixed at 1 '
        '(stated in advance, the usual library default)',
        floors=floors,
        ridge_alpha_sensitivity=dict(
            note='Fisher-z average on the test parts for fixed penalties: '
            'the spread of the ridge floor over alpha; nothing is selected '
            'from it', fisher_z=sensitivity),
        run=dict(date_utc=datetime.datetime.now(datetime.timezone.utc)
                 .strftime('%Y-%m-%dT%H:%M:%SZ'),
                 seconds=round(time.time() - start, 1),
                 python=platform.python_version(),
                 numpy=np.__version__, platform=platform.platform(),
                 cpus=os.cpu_count()))


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description='JIGSAWS floors')
    parser.add_argument('--data', required=True, help='folder with '
                        f'{ARCHIVE} (or JIGSAWS/) and {FOLD_FILE}')
    parser.add_argument('--protocol', choices=('folds', 'loso'),
                        default='folds', help="MUSDL's 4 folds (default) "
                        'or leave one subject out')
    parser.add_argument('--out', help='results JSON (default: '
                        f'{RESULTS}/floors.json or floors_loso.json)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Compute, write and print the floors."""
    args = parse_args(argv)
    out = args.out or osp.join(ROOT, RESULTS, 'floors.json' if
                               args.protocol == 'folds' else
                               'floors_loso.json')
    with friendly_errors('projects.jigsaws.floors'):
        record = run(args.data, args.protocol)
        write_json(record, out)
    print(floors_table(record))
    print(f'wrote {out}', file=sys.stderr)


if __name__ == '__main__':
    main()
