"""The Fis-V study's table: mean ± sample std over seeds of each head x
schedule, last epoch (the result) and best epoch on test (for comparison).

``python -m projects.fisv.report`` prints the README's table from
``results/fisv.json``; ``--plot PATH`` (with ``--reference-log``) redraws the
per-epoch picture.
"""
import argparse
import json
import os.path as osp
from typing import Dict, List, Optional

import numpy as np

from aqa_mm.evaluation.functional import format_mean_std, mean_std_cell
from .curves import plot_curves, read_event_scalar
from .plan import DEFAULT_EPOCHS, RESULTS

DEFAULT_RESULTS = osp.join(RESULTS, 'fisv.json')
ROW_NAMES = {'meanfc': "mean → FC (2M-AF's RGB head)",
             'gdlt': 'GDLT (ours)'}


def summarize(results: Dict[str, dict]) -> List[dict]:
    """Mean ± sample std over seeds per head x score x epochs.

    Args:
        results (dict[str, dict]): Run key -> result (``head``, ``score``,
            ``epochs``, ``seed``, ``last``, ``best_on_test`` (None without
            a curve), ``minutes``).

    Returns:
        list[dict]: One row per group: ``head``, ``score``, ``epochs``,
        ``seeds``, ``last`` and ``best_on_test`` (``mean_std_cell``),
        ``minutes`` (mean per run).
    """
    groups: Dict[tuple, List[dict]] = {}
    for res in results.values():
        groups.setdefault((res['head'], res['score'], res['epochs']),
                          []).append(res)
    rows = []
    for (head, score, epochs), items in sorted(groups.items()):
        best = [r['best_on_test'] for r in items
                if r.get('best_on_test') is not None]
        rows.append(dict(head=head, score=score, epochs=epochs,
                         seeds=sorted(r['seed'] for r in items),
                         last=mean_std_cell([r['last'] for r in items]),
                         best_on_test=mean_std_cell(best),
                         minutes=float(np.mean([r['minutes']
                                                for r in items]))))
    return rows


def schedule(head: str, score: str, epochs: int) -> str:
    """The schedule column: the config's own, or the epochs it was cut to."""
    if epochs == DEFAULT_EPOCHS[(head, score)]:
        if head == 'gdlt':
            return "GDLT's: 320 TES / 400 PCS"
        return f'{epochs} epochs'
    return f'cut to {epochs} epochs'


def table(rows: List[dict]) -> str:
    """Markdown: one row per head x schedule, TES and PCS side by side.

    Args:
        rows (list[dict]): :func:`summarize` rows.

    Returns:
        str: The table (3 decimals) and its footnote.
    """
    cells: Dict[tuple, Dict[str, dict]] = {}
    for r in rows:
        key = (r['head'], schedule(r['head'], r['score'], r['epochs']))
        cells.setdefault(key, {})[r['score']] = r
    lines = ['| head | schedule | TES, last epoch | PCS, last epoch | '
             'TES, best epoch on test† | PCS, best epoch on test† |',
             '|---|---|---|---|---|---|']
    # the simple head first, then each head's own schedule before cut ones
    for head, sched in sorted(cells, key=lambda k: (
            k[0] != 'meanfc', k[1].startswith('cut'), k)):
        by_score = cells[(head, sched)]
        values = [format_mean_std(by_score[s][col] if s in by_score
                                  else None)
                  for col in ('last', 'best_on_test') for s in ('tes', 'pcs')]
        lines.append(f'| {ROW_NAMES.get(head, head)} | {sched} | ' +
                     ' | '.join(values) + ' |')
    lines.append('\n† selected on the test set, as GDLT\'s code does; not a '
                 'result.')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> None:
    """Print the table of a results JSON (and redraw the picture)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--results', default=DEFAULT_RESULTS,
                        help='results JSON written by run.py')
    parser.add_argument('--plot', default='',
                        help='draw the per-epoch test curves to this PNG')
    parser.add_argument('--reference-log', default=None,
                        help='TensorBoard event file of a third-party run '
                        'to draw beside ours, e.g. the GDLT fork\'s '
                        'logs/fisv_tes_paper/events.out.tfevents.*')
    parser.add_argument('--reference-score', choices=('tes', 'pcs'),
                        default='tes')
    parser.add_argument('--reference-tag', default='Test_coef')
    parser.add_argument('--reference-label',
                        default="GDLT's official code, full schedule "
                        "(fork's log, 1 run)")
    args = parser.parse_args(argv)
    with open(args.results, encoding='utf-8') as f:
        results = json.load(f)['results']
    print(table(summarize(results)))
    if args.plot:
        reference = None
        if args.reference_log:
            reference = {args.reference_score: (
                args.reference_label,
                read_event_scalar(args.reference_log, args.reference_tag))}
        if plot_curves(results, args.plot, reference):
            print(f'plot: {args.plot}')


if __name__ == '__main__':
    main()
