"""Finished classification cells of earlier ``bench_nw_ucla_semi.py``
reports, merged into a new one.

Each bench run reads only its own ``--work-dir``. Runs of earlier sessions
(other checkouts, whose work dirs are gone) survive as their report JSONs;
``--merge`` brings their measured cells back, so that one table and one
plot can show, say, scratch and finetuning after 5, 10, 25 and 50 passes.
Only reports of the same protocol merge: the same seeds, label subsets and
finetuning config, otherwise the file is named and refused.
"""
import json
import os.path as osp
from typing import List

from nw_ucla_semi_report import FINETUNE_CELL

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
        raise SystemExit(f'--merge {path}: not a bench_nw_ucla_semi.py '
                         f'report (no {", ".join(missing)})')
    return earlier


def merge_classification(report: dict, paths: List[str]) -> None:
    """Fill the classification cells ``report`` has not measured from
    earlier reports, in the order given; a cell measured here is kept.

    A merged cell gets ``source`` (the earlier report's file name), its
    encoder joins ``report['finetune_from']`` (then sorted by variant and
    epoch, the table's column order) and the file names are listed in
    ``report['merged_from']``.

    Args:
        report (dict): A ``build_report`` result, changed in place.
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
                if not cell.get('n') or here.get(name, {}).get('n'):
                    continue
                here[name] = dict(cell, source=osp.basename(path))
                match = FINETUNE_CELL.fullmatch(name)
                encoder = match and f'{match[1]}:{match[2]}'
                if encoder and encoder not in report['finetune_from']:
                    report['finetune_from'].append(encoder)
        report.setdefault('merged_from', []).append(osp.basename(path))
    report['finetune_from'].sort(key=lambda encoder: (
        encoder.split(':')[0], int(encoder.split(':')[1])))
