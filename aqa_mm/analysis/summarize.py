"""Mean ± std of the metrics of several runs (seeds), grouped by config.

Accepted results, one file (or folder) per run:

- ``metrics.json`` written by ``tools/test.py --metrics-out`` (a flat
  ``{metric: value}`` dict);
- mmengine's ``<work_dir>/<timestamp>/vis_data/scalars.json`` (JSON lines):
  the **last** validation record is used, i.e. the last epoch, never the
  best one (picking the best epoch on the test set is not a result);
- a ``tools/test.py --dump`` pickle: ρ, MSE, per-class ρ and their Fisher-z
  average are computed from the predictions (plus per-stream ρ for 2M-AF);
- a work_dir folder: its ``metrics.json`` if any, else its newest
  ``*/vis_data/scalars.json``.

A run's group is ``NAME`` when given as ``NAME=PATH``; otherwise the name of
the mmengine config dump (``<work_dir>/<config>.py``) found in the file's
folder or up to three folders above it; otherwise the nearest folder name
that is not a seed / timestamp / ``vis_data`` folder, with a ``_seed<k>``
suffix removed.
"""
import glob
import math
import os
import os.path as osp
import re
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from aqa_mm.evaluation.functional import fisher_z_average, mse, spearman
from aqa_mm.evaluation.functional import mean_std
from aqa_mm.evaluation.results import read_metrics_json, read_scalars_json
from aqa_mm.utils.cli import DataError
from .dump_reader import class_labels, column, load_dump

_SKIP_DIR = re.compile(r'^(seed[_-]?\d+|\d{8}_\d{6}|vis_data|test|\.)$')
_SEED_SUFFIX = re.compile(r'[_-]?seed[_-]?\d+$')


@dataclass(frozen=True)
class RunResult:
    """The metrics of one run.

    Args:
        group (str): Config name the run is grouped under.
        path (str): File the metrics came from.
        metrics (dict[str, float]): Metric name → value.
    """
    group: str
    path: str
    metrics: Dict[str, float]


def dump_metrics(records: Sequence[dict]) -> Dict[str, float]:
    """SpearmanMetric-like metrics computed from dump records.

    Args:
        records (Sequence[dict]): Dump records.

    Returns:
        dict[str, float]: ``aqa/spearman``, ``aqa/mse``, per-class
        ``aqa/spearman_<class>`` and ``aqa/spearman_fisher_z`` (several
        classes), ``aqa/spearman_skeleton`` / ``aqa/spearman_rgb``
        (two-stream dumps).
    """
    gt = column(records, 'gt_score')
    pred = column(records, 'pred_aqa_score')
    out = {'aqa/spearman': spearman(pred, gt), 'aqa/mse': mse(pred, gt)}
    for key, name in (('pred_score_skeleton', 'skeleton'),
                      ('pred_score_rgb', 'rgb'),
                      ('pred_score_concat', 'concat')):
        if all(key in r for r in records):
            out[f'aqa/spearman_{name}'] = spearman(column(records, key), gt)
    labels = np.array(class_labels(records))
    classes = sorted(set(labels.tolist()))
    if len(classes) > 1:
        rhos = []
        for c in classes:
            rhos.append(spearman(pred[labels == c], gt[labels == c]))
            out[f'aqa/spearman_{c}'] = rhos[-1]
        out['aqa/spearman_fisher_z'] = fisher_z_average(rhos)
    return out


def resolve_result_file(path: str) -> str:
    """The metrics file of ``path`` (itself, or found in a work_dir).

    Args:
        path (str): A result file or a work_dir.

    Returns:
        str: ``metrics.json``, the newest ``scalars.json`` or the file.
    """
    if osp.isfile(path):
        return path
    if not osp.isdir(path):
        raise FileNotFoundError(f'result not found: {path}')
    if osp.isfile(osp.join(path, 'metrics.json')):
        return osp.join(path, 'metrics.json')
    scalars = sorted(glob.glob(osp.join(path, '*', 'vis_data',
                                        'scalars.json')))
    if not scalars:
        raise DataError(f'{path}: folder has no metrics.json and no '
                        '*/vis_data/scalars.json')
    return scalars[-1]  # timestamps sort chronologically


def read_result(path: str) -> Dict[str, float]:
    """Metrics of one result file, by its kind.

    Args:
        path (str): ``*.pkl`` dump, ``scalars.json`` or a metrics JSON.

    Returns:
        dict[str, float]: Metric → value.
    """
    if path.endswith(('.pkl', '.pickle')):
        return dump_metrics(load_dump(path))
    if osp.basename(path) == 'scalars.json':
        return read_scalars_json(path)
    return read_metrics_json(path)


def is_config_dump(path: str) -> bool:
    """Whether ``path`` is a config mmengine dumped into a work_dir.

    The Runner writes ``<work_dir>/<config name>.py`` with a top-level
    ``work_dir = ...`` line; other ``.py`` files (``setup.py``) have none.

    Args:
        path (str): A ``.py`` file.

    Returns:
        bool: True for a config dump.
    """
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return any(line.startswith('work_dir = ') for line in f)
    except OSError:
        return False


def infer_group(path: str, max_up: int = 3) -> str:
    """The config name a result file belongs to (see the module doc).

    Args:
        path (str): The result file.
        max_up (int): Folders above the file's own to search for a config
            dump. Defaults to 3.

    Returns:
        str: The group name.
    """
    folder = osp.dirname(osp.abspath(path))
    here = folder
    for _ in range(max_up + 1):
        dumps = [f for f in glob.glob(osp.join(here, '*.py'))
                 if osp.basename(f) != 'config.py'  # vis_data's copy
                 and is_config_dump(f)]
        if len(dumps) == 1:
            return osp.splitext(osp.basename(dumps[0]))[0]
        parent = osp.dirname(here)
        if parent == here:
            break
        here = parent
    for name in reversed(folder.split(os.sep)):
        if name and not _SKIP_DIR.match(name):
            return _SEED_SUFFIX.sub('', name) or name
    return 'results'


def parse_result_arg(arg: str) -> Tuple[Optional[str], str]:
    """Split ``NAME=PATH`` (or a bare ``PATH``).

    Args:
        arg (str): Command-line result argument.

    Returns:
        tuple[str | None, str]: (group name or None, path).
    """
    if '=' in arg and not osp.exists(arg):
        name, path = arg.split('=', 1)
        if name:
            return name, path
    return None, arg


def collect(args: Sequence[str]) -> List[RunResult]:
    """Read every result argument.

    Args:
        args (Sequence[str]): ``PATH`` or ``NAME=PATH`` per run.

    Returns:
        list[RunResult]: In argument order.
    """
    runs = []
    for arg in args:
        name, path = parse_result_arg(arg)
        file = resolve_result_file(path)
        runs.append(RunResult(name or infer_group(file), file,
                              read_result(file)))
    return runs


def aggregate(runs: Sequence[RunResult],
              patterns: Optional[Sequence[str]] = None
              ) -> Tuple[List[str], Dict[str, Dict[str, dict]]]:
    """Mean ± std (sample std, ddof = 1) of each metric in each group.

    Args:
        runs (Sequence[RunResult]): The runs.
        patterns (Sequence[str], optional): Keep metrics matching one of
            these shell patterns (``aqa/spearman*``). Defaults to None (all).

    Returns:
        tuple[list[str], dict]: The metric names (columns, in first-seen
        order) and group → metric → ``dict(mean, std, n)``; groups in
        first-seen order, ``n`` = runs that have the metric.
    """
    from fnmatch import fnmatchcase
    names: List[str] = []
    values: Dict[str, Dict[str, List[float]]] = {}
    for run in runs:
        group = values.setdefault(run.group, {})
        for key, value in run.metrics.items():
            if patterns and not any(fnmatchcase(key, p) for p in patterns):
                continue
            if key not in names:
                names.append(key)
            group.setdefault(key, []).append(value)
    if not names:
        raise DataError(
            f'no metric matches {list(patterns or [])}; metrics found: '
            f'{sorted({k for r in runs for k in r.metrics})}')
    table = {}
    for group, metrics in values.items():
        table[group] = {}
        for key, vals in metrics.items():
            finite = [v for v in vals if not math.isnan(v)]
            mean, std = mean_std(finite)
            table[group][key] = dict(mean=mean, std=std, n=len(vals),
                                     n_nan=len(vals) - len(finite))
    return names, table


def _cell(stat: Optional[dict], runs: int) -> str:
    if stat is None:
        return '–'
    if math.isnan(stat['mean']):
        return 'nan'
    text = f'{stat["mean"]:.4f}'
    if not math.isnan(stat['std']):
        text += f' ± {stat["std"]:.4f}'
    kept = stat['n'] - stat['n_nan']
    if kept != runs:
        text += f' (n={kept})'
    return text


def format_markdown(names: Sequence[str], table: Mapping[str, Mapping],
                    runs: Sequence[RunResult],
                    title: str = 'Results over runs') -> str:
    """Markdown table: one row per group, one column per metric.

    Args:
        names (Sequence[str]): Metric columns.
        table (Mapping): Output of :func:`aggregate`.
        runs (Sequence[RunResult]): The runs (counted and listed).
        title (str): Heading. Defaults to ``'Results over runs'``.

    Returns:
        str: Markdown text.
    """
    counts = {g: sum(r.group == g for r in runs) for g in table}
    head = ['config', 'runs'] + list(names)
    lines = [f'## {title}', '', '| ' + ' | '.join(head) + ' |',
             '|' + '---|' * len(head)]
    for group, metrics in table.items():
        cells = [group, str(counts[group])] + [
            _cell(metrics.get(k), counts[group]) for k in names]
        lines.append('| ' + ' | '.join(cells) + ' |')
    lines += ['', 'mean ± std over runs (sample std, ddof = 1; no std with '
              'one run); (n=k): only k runs had a finite value. Validation '
              'logs contribute their last epoch.', '', 'Runs:', '']
    lines += [f'- {r.group}: `{r.path}`' for r in runs]
    return '\n'.join(lines) + '\n'
