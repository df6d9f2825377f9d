"""The per-class AQA protocol: gather per-run metrics into one table.

AQA-7's "Ave" (paper §4.1) trains one model per class and averages the
per-class Spearman ρ in Fisher-z space, ρ̄ = tanh(mean_i atanh ρ_i). With
several seeds, every class's ρ and the Fisher-z average are reported as
mean ± std over seeds (sample std, ddof = 1; "–" with one seed). The
Fisher-z average is taken per seed, over the classes that seed finished, and
then averaged over the seeds that finished every class.

Each run (class c, seed s) lives in ``<root>/class_<c>/seed_<s>/`` and is
finished when the launcher's record ``launch_result.json`` exists;
:func:`gather` reads the test metrics from those files.
"""
import json
import math
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence


from aqa_mm.utils.cli import DataError
from .functional import fisher_z_average, mean_std

METRIC_KEY = 'aqa/spearman'
SELECTION_NOTES = {
    'last': 'model selection: last epoch (no look at the test set)',
    'val': 'model selection: best epoch on a validation split carved out '
           'of train (the test set is used once, at the end)',
}


@dataclass(frozen=True)
class Run:
    """One training of one class with one seed.

    Args:
        class_id (int): The class trained on.
        seed (int): Random seed.
        work_dir (str): Folder of its logs, checkpoints and metrics.
    """
    class_id: int
    seed: int
    work_dir: str

    @property
    def metrics_file(self) -> str:
        """The launcher's record of the run (``launch_result.json``)."""
        return osp.join(self.work_dir, 'launch_result.json')


def plan_runs(root: str, class_ids: Sequence[int],
              seeds: Sequence[int]) -> List[Run]:
    """Every (class, seed) run under ``root``.

    Args:
        root (str): Protocol folder.
        class_ids (Sequence[int]): Classes, one model each.
        seeds (Sequence[int]): Seeds, one training each per class.

    Returns:
        list[Run]: Ordered by seed, then class.
    """
    return [Run(int(c), int(s), osp.join(root, f'class_{c}', f'seed_{s}'))
            for s in seeds for c in class_ids]


def read_metric(path: str, key: str = METRIC_KEY) -> float:
    """One test metric of a run's record.

    Args:
        path (str): The launcher's ``launch_result.json`` (metrics under
            ``metrics``) or a flat ``tools/test.py --metrics-out`` file.
        key (str): Metric name. Defaults to ``'aqa/spearman'``.

    Returns:
        float: Its value (NaN when stored as null/NaN).
    """
    try:
        with open(path, encoding='utf-8') as f:
            metrics = json.load(f)
    except (OSError, ValueError) as exc:
        raise DataError(f'{path}: unreadable metrics file ({exc})') from exc
    metrics = metrics.get('metrics', metrics)
    if key not in metrics:
        raise DataError(f'{path}: no metric {key!r}; it has '
                        f'{sorted(metrics)}')
    value = metrics[key]
    return float('nan') if value is None else float(value)


def is_finished(run: Run) -> bool:
    """Whether ``run`` has its record (so it is skipped on resume)."""
    return osp.isfile(run.metrics_file)


def gather(runs: Sequence[Run], key: str = METRIC_KEY
           ) -> Dict[int, Dict[int, float]]:
    """ρ of every finished run.

    Args:
        runs (Sequence[Run]): Planned runs; unfinished ones are left out.
        key (str): Metric to read. Defaults to ``'aqa/spearman'``.

    Returns:
        dict[int, dict[int, float]]: class id → seed → value.
    """
    out: Dict[int, Dict[int, float]] = {}
    for run in runs:
        if is_finished(run):
            out.setdefault(run.class_id, {})[run.seed] = read_metric(
                run.metrics_file, key)
    return out


def summarize(rhos: Mapping[int, Mapping[int, float]],
              class_ids: Sequence[int], seeds: Sequence[int]) -> dict:
    """Per-class mean ± std and the Fisher-z average per seed and overall.

    Args:
        rhos (Mapping[int, Mapping[int, float]]): class → seed → ρ.
        class_ids (Sequence[int]): Classes of the protocol.
        seeds (Sequence[int]): Seeds of the protocol.

    Returns:
        dict: ``per_class`` {class: dict(values, mean, std)}, ``fisher_z``
        {seed: ρ̄ over the classes that seed finished}, ``fisher_z_mean``,
        ``fisher_z_std`` (over seeds that finished every class),
        ``complete`` (every run finished).
    """
    per_class = {}
    for c in class_ids:
        values = {s: rhos.get(c, {}).get(s) for s in seeds}
        done = [v for v in values.values() if v is not None]
        mean, std = mean_std(done)
        per_class[c] = dict(values=values, mean=mean, std=std)
    fisher, complete_seeds = {}, []
    for s in seeds:
        done = [rhos[c][s] for c in class_ids if s in rhos.get(c, {})]
        fisher[s] = fisher_z_average(done) if done else None
        if len(done) == len(class_ids):
            complete_seeds.append(s)
    mean, std = mean_std([fisher[s] for s in complete_seeds])
    return dict(per_class=per_class, fisher_z=fisher, fisher_z_mean=mean,
                fisher_z_std=std,
                complete=len(complete_seeds) == len(seeds))


def _fmt(value: Optional[float]) -> str:
    if value is None:
        return 'not run'
    return 'nan' if math.isnan(value) else f'{value:.4f}'


def _fmt_mean_std(mean: float, std: float) -> str:
    if math.isnan(std):
        return _fmt(mean)
    return f'{_fmt(mean)} ± {std:.4f}'


def format_table(summary: dict, class_names: Mapping[int, str],
                 seeds: Sequence[int], selection: str = 'last',
                 title: str = 'Per-class Spearman ρ') -> str:
    """Markdown table: one row per class, one column per seed.

    Args:
        summary (dict): Output of :func:`summarize`.
        class_names (Mapping[int, str]): class id → name.
        seeds (Sequence[int]): Seeds, one column each.
        selection (str): ``'last'`` or ``'val'``, stated under the table.
            Defaults to ``'last'``.
        title (str): Heading. Defaults to ``'Per-class Spearman ρ'``.

    Returns:
        str: The markdown text.
    """
    head = ['class'] + [f'seed {s}' for s in seeds] + ['mean ± std']
    lines = [f'## {title}', '', '| ' + ' | '.join(head) + ' |',
             '|' + '---|' * len(head)]
    for c, row in summary['per_class'].items():
        cells = [class_names.get(c, str(c))] + [
            _fmt(row['values'][s]) for s in seeds] + [
            _fmt_mean_std(row['mean'], row['std'])]
        lines.append('| ' + ' | '.join(cells) + ' |')
    overall = _fmt_mean_std(summary['fisher_z_mean'], summary['fisher_z_std'])
    ave = ['**Fisher-z Ave**'] + [
        _fmt(summary['fisher_z'][s]) for s in seeds] + [f'**{overall}**']
    lines += ['| ' + ' | '.join(ave) + ' |', '',
              f'Fisher-z Ave = tanh(mean over classes of atanh ρ), per seed; '
              f'mean ± std over seeds (sample std). '
              f'{SELECTION_NOTES.get(selection, selection)}.']
    if not summary['complete']:
        lines.append('**Incomplete:** some runs have not finished; rerun '
                     'the same command to resume.')
    return '\n'.join(lines) + '\n'
