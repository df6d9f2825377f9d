"""Finished classification runs of earlier reports of the study, merged
into a new one, seed by seed (``run.py --merge``).

A report reads only its own ``--work-dir``. Runs whose work dirs are gone
survive as their report JSONs; ``--merge`` brings their measured seeds
back, so that one table and one plot can show, say, scratch and finetuning
after 5, 10, 25 and 50 passes, and a cell whose seeds were run in different
work dirs (``--steps``) gets all of them. Only reports of the same protocol
merge: the same seeds, label subsets and finetuning config, otherwise the
file is named and refused.
"""
import json
import os.path as osp
from typing import List, Optional

from aqa_mm.evaluation.functional import mean_std_cell
from .plan import FINETUNE_CELL

#: the finetuning config of reports written before the field was recorded
DEFAULT_FINETUNE_CONFIG = 'nw_ucla_xview_finetune.py'


def _load(path: str) -> dict:
    """An earlier report, or SystemExit naming the file."""
    try:
        with open(path) as f:
            earlier = json.load(f)
    except (OSError, ValueError) as exc:
        raise SystemExit(f'--merge {path}: cannot read it as JSON ({exc})')
    keys = ('classification', 'seeds', 'subsets')
    missing = [key for key in keys if key not in earlier] \
        if isinstance(earlier, dict) else ['top-level dict']
    if missing:
        raise SystemExit(f'--merge {path}: not a report of '
                         f'projects.nw_ucla_semi (no {", ".join(missing)})')
    return earlier


def _merge_cell(here: dict, earlier: dict, source: str) -> Optional[dict]:
    """``here`` with the seeds it lacks taken from ``earlier``.

    Args:
        here (dict): A cell (``per_seed``, ``mean``, ``std``, ``n``; may be
            empty); not changed.
        earlier (dict): The same cell of an earlier report, same seeds.
        source (str): The earlier report's file name.

    Returns:
        dict | None: A new cell, its statistics recomputed and ``sources``
        added (per seed: the report file a value came from, None for this
        run's own or a missing one); None if ``earlier`` had no seed
        ``here`` lacks.
    """
    theirs = earlier.get('per_seed') or []
    ours = list(here.get('per_seed') or [None] * len(theirs))
    sources = list(here.get('sources') or [None] * len(ours))
    filled = False
    for i, value in enumerate(theirs):
        if value is not None and ours[i] is None:
            ours[i], sources[i], filled = value, source, True
    if not filled:
        return None
    cell = {k: v for k, v in here.items() if k not in ('mean', 'std', 'n')}
    measured = [v for v in ours if v is not None]
    cell.update(per_seed=ours, sources=sources,
                **(mean_std_cell(measured) or {}))
    return cell


def merge_classification(report: dict, paths: List[str]) -> None:
    """Fill the classification runs ``report`` has not measured from
    earlier reports, seed by seed, in the order given; a seed measured
    here (or by an earlier file in ``paths``) is kept.

    A cell that got a seed this way gets ``sources`` (see
    :func:`_merge_cell`), its encoder joins ``report['finetune_from']``
    (then sorted by variant and epoch, the table's column order) and the
    file names are listed in ``report['merged_from']``.

    Args:
        report (dict): A :func:`collect.build_report` result, changed in
            place.
        paths (list[str]): Earlier report JSONs.

    Raises:
        SystemExit: Naming a file that is not a report, or one whose seeds,
            label subsets or finetuning config differ from ``report``'s.
    """
    for path in paths:
        earlier = _load(path)
        for key in ('seeds', 'subsets', 'finetune_config'):
            default = DEFAULT_FINETUNE_CONFIG if key == 'finetune_config' \
                else None
            theirs, ours = earlier.get(key, default), report.get(key, default)
            if theirs != ours:
                raise SystemExit(f'--merge {path}: its {key} {theirs!r} '
                                 f'do not match this report\'s {ours!r}')
        for fraction, cells in earlier['classification'].items():
            if int(fraction) not in report['fractions']:
                continue
            here = report['classification'].setdefault(fraction, {})
            for name, cell in cells.items():
                merged = _merge_cell(here.get(name, {}), cell,
                                     osp.basename(path))
                if merged is None:
                    continue
                here[name] = merged
                match = FINETUNE_CELL.fullmatch(name)
                encoder = match and f'{match[1]}:{match[2]}'
                if encoder and encoder not in report['finetune_from']:
                    report['finetune_from'].append(encoder)
        report.setdefault('merged_from', []).append(osp.basename(path))
    report['finetune_from'].sort(key=lambda encoder: (
        encoder.split(':')[0], int(encoder.split(':')[1])))
