"""The study's tables, rebuilt from its report JSONs::

    python -m projects.nw_ucla_semi.report [JSON ...]

Without arguments: the tables of the README from
``projects/nw_ucla_semi/results/*.json``. With files: the classification
and per-seed tables of each. Cells are NW-UCLA view-3 top-1 (%), mean ±
sample std over seeds (:func:`~aqa_mm.evaluation.functional.format_mean_std`;
one value has no std).
"""
import argparse
import json
import os.path as osp
from typing import Dict, List, Optional, Tuple

from aqa_mm.evaluation.functional import format_mean_std
from .plan import FINETUNE_CELL

RESULTS = osp.join(osp.dirname(osp.abspath(__file__)), 'results')
#: results file stem -> section title, in README order
SECTIONS = {
    'fractions_5_10': '5, 10 and 100 % labels, 5 passes of pretraining',
    'fraction_100': '100 % labels, 5 passes of pretraining',
    'finetune_backbone_lr0.1': 'finetuning with the encoder at 0.1x the LR',
    'pretext_options': 'pretext options, 5 passes each',
    'pretrain_schedule': 'the paper\'s pretext, 5 to 50 passes',
}


def fmt(cell: Optional[dict], show_n: bool = True) -> str:
    """``'66.38 ± 3.96 (n=3)'``; one value has no std; ``'–'`` for none.

    Args:
        cell (dict | None): ``mean``, ``std``, ``n`` (a std recorded for a
            single value is not shown: the one rule for n = 1).
        show_n (bool): Append ``(n=…)``.

    Returns:
        str: The table cell.
    """
    if not cell or not cell.get('n'):
        return '–'
    if cell['n'] < 2:
        cell = dict(cell, std=None)
    text = format_mean_std(cell, digits=2)
    return text if show_n else text.rsplit(' (n=', 1)[0]


def _frozen_columns(report: dict) -> List[Tuple[str, dict]]:
    """(label, curve point): the random init once, then every checkpoint."""
    cols = []
    for variant, points in report['curves'].items():
        for point in points:
            if point['epoch'] == 0 and not cols:
                cols.append(('random init', point))
            elif point['epoch'] > 0:
                cols.append((f'{variant} {point["passes"]}p', point))
    return cols


def _frozen(point: dict, fraction, kind: str) -> Optional[dict]:
    return point['frozen'].get(str(fraction), {}).get(kind)


def classification_table(report: dict, full_split: Optional[dict] = None
                         ) -> str:
    """Labelled fraction x scratch / finetuned / kNN / probe.

    Args:
        report (dict): A report of the study.
        full_split (dict, optional): Another report whose 100 %
            classification cells fill the 100 % row (frozen columns stay
            ``report``'s).

    Returns:
        str: Markdown table.
    """
    finetuned = list(report['finetune_from'])
    cls_of = {str(f): report['classification'].get(str(f), {})
              for f in report['fractions']}
    if full_split is not None:
        cls_of['100'] = full_split['classification'].get('100', {})
        finetuned += [f for f in full_split['finetune_from']
                      if f not in finetuned]
    frozen = _frozen_columns(report)
    head = ['labels', 'scratch'] + [f'SME {f} + finetune' for f in finetuned]
    head += [f'{kind}, {name}' for kind in ('kNN', 'probe')
             for name, _ in frozen]
    rows = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for fraction in [f for f in report['fractions'] if f < 100] + [100]:
        cls = cls_of.get(str(fraction), {})
        cells = [f'{fraction} %', fmt(cls.get('scratch'))]
        cells += [fmt(cls.get(f'finetune_{f.replace(":", "_e")}'))
                  for f in finetuned]
        for kind in ('knn', 'probe'):
            cells += [fmt(_frozen(point, fraction, kind), show_n=False)
                      for _, point in frozen]
        rows.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(rows)


def per_seed_table(reports: Dict[str, dict]) -> str:
    """Every measured classification cell, seed by seed, each once (a cell
    merged into a later report is shown with the first that has it).

    Args:
        reports (dict): name -> report, in the order to show.

    Returns:
        str: Markdown table.
    """
    seeds = next(iter(reports.values()))['seeds']
    rows = ['| results | labels | run | ' +
            ' | '.join(f'seed {s}' for s in seeds) + ' | mean ± std |',
            '|' + '---|' * (len(seeds) + 4)]
    shown = set()
    for stem, report in reports.items():
        for fraction, cells in report['classification'].items():
            for name, cell in cells.items():
                key = (fraction, name, tuple(cell['per_seed']))
                if not cell.get('n') or key in shown:
                    continue
                shown.add(key)
                values = ['–' if v is None else f'{v:.2f}'
                          for v in cell['per_seed']]
                rows.append(f'| {stem} | {fraction} % | {name} | ' +
                            ' | '.join(values) + f' | {fmt(cell)} |')
    return '\n'.join(rows)


def schedule_table(report: dict, variant: str = 'faithful') -> str:
    """One column per finetuned checkpoint of ``variant`` (and the random
    init): InfoNCE, frozen top-1 and finetuned top-1 by labelled fraction.
    """
    points = {p['epoch']: p for p in report['curves'][variant]}
    epochs = sorted({int(m[2]) for cells in report['classification'].values()
                     for m in map(FINETUNE_CELL.fullmatch, cells)
                     if m and m[1] == variant})
    cols = [points[0]] + [points[e] for e in epochs]
    head = ['passes'] + [str(p['passes']) + (' (random)' if not p['epoch']
                                             else '') for p in cols]
    rows = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head),
            '| InfoNCE, epoch mean | ' + ' | '.join(
                '–' if p['infonce'] is None else f'{p["infonce"]:.2f}'
                for p in cols) + ' |']
    for fraction, kind, label in (('100', 'knn', 'kNN, whole split'),
                                  ('100', 'probe', 'probe, whole split'),
                                  ('10', 'probe', 'probe, 10 % subsets')):
        rows.append(f'| {label} | ' + ' | '.join(
            fmt(_frozen(p, fraction, kind), show_n=False) for p in cols) +
            ' |')
    for fraction in sorted(report['fractions'], reverse=True):
        cls = report['classification'][str(fraction)]
        rows.append(
            f'| finetuned, {fraction} % labels (scratch '
            f'{fmt(cls.get("scratch"), show_n=False)}) | – | ' + ' | '.join(
                fmt(cls.get(f'finetune_{variant}_e{e}')) for e in epochs) +
            ' |')
    return '\n'.join(rows)


def curve_table(report: dict, variant: str = 'faithful') -> str:
    """Every checkpoint of ``variant``: InfoNCE and frozen top-1."""
    fractions = ['100'] + [str(f) for f in sorted(report['fractions'],
                                                  reverse=True) if f < 100]
    head = ['passes', 'InfoNCE'] + [f'{kind} {f} %' for f in fractions
                                    for kind in ('kNN', 'probe')]
    rows = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for p in report['curves'][variant]:
        cells = [str(p['passes']), '–' if p['infonce'] is None
                 else f'{p["infonce"]:.2f}']
        cells += [fmt(_frozen(p, f, kind), show_n=False) for f in fractions
                  for kind in ('knn', 'probe')]
        rows.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(rows)


def load(path: str) -> dict:
    """A report JSON, or SystemExit naming the file."""
    try:
        with open(path, encoding='utf-8') as f:
            report = json.load(f)
    except (OSError, ValueError) as exc:
        raise SystemExit(f'{path}: cannot read it as JSON ({exc})')
    missing = [k for k in ('classification', 'curves', 'fractions',
                           'finetune_from', 'seeds')
               if not isinstance(report, dict) or k not in report]
    if missing:
        raise SystemExit(f'{path}: not a report of projects.nw_ucla_semi '
                         f'(no {", ".join(missing)})')
    return report


def readme_tables(results: str = RESULTS) -> str:
    """The README's tables from the results folder."""
    r = {stem: load(osp.join(results, f'{stem}.json')) for stem in SECTIONS}
    out = [f'### {SECTIONS["fractions_5_10"]} (the 100 % classification '
           'cells: fraction_100.json, another 5-pass pretraining)\n',
           classification_table(r['fractions_5_10'], r['fraction_100'])]
    for stem in ('finetune_backbone_lr0.1', 'pretext_options'):
        out += [f'\n### {SECTIONS[stem]}\n', classification_table(r[stem])]
    out += [f'\n### {SECTIONS["pretrain_schedule"]}\n',
            schedule_table(r['pretrain_schedule']), '',
            curve_table(r['pretrain_schedule']),
            '\n### Per seed\n', per_seed_table(r)]
    return '\n'.join(out)


def main(argv: Optional[List[str]] = None) -> None:
    """Print the README's tables, or those of the reports given."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('reports', nargs='*', help='report JSON files')
    args = parser.parse_args(argv)
    if not args.reports:
        print(readme_tables())
        return
    for path in args.reports:
        report = load(path)
        name = osp.basename(path)
        print(f'### {name}\n\n{classification_table(report)}\n\n'
              f'{per_seed_table({name: report})}\n')


if __name__ == '__main__':
    main()
