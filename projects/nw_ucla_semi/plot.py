"""The study's curve: frozen-feature top-1 against pretraining passes, with
the finetuned and scratch results, one panel per labelled fraction.

``run.py`` draws it when it reports; this redraws one from a report JSON
alone (no work dir needed)::

    python -m projects.nw_ucla_semi.plot \\
        projects/nw_ucla_semi/results/fractions_5_10.json \\
        --out projects/nw_ucla_semi/results/fractions_5_10.png
"""
import argparse
import itertools
import json
from typing import List, Optional

from aqa_mm.utils.io import atomic_open
from .plan import FINETUNE_CELL, PASSES_PER_EPOCH


def _plot_finetuned(ax, report: dict, fraction: str) -> None:
    """Scratch (a line: the encoder trained from random init on the
    labelled subset) and finetuned top-1 (one line per pretraining variant
    through its encoders' pretraining passes), mean ± std over seeds, for
    one labelled fraction."""
    cls = report['classification'].get(fraction, {})
    scratch = cls.get('scratch', {})
    if scratch.get('n'):
        ax.axhline(scratch['mean'], color='gray', ls=':',
                   label=f'scratch (n={scratch["n"]})')
    points = {}
    for key, row in cls.items():
        match = FINETUNE_CELL.fullmatch(key)
        if match and row.get('n'):
            points.setdefault(match[1], []).append(
                (int(match[2]) * PASSES_PER_EPOCH, row))
    for color, (variant, rows) in zip(
            itertools.cycle(['k', 'C6', 'C7', 'C8', 'C9']),
            sorted(points.items())):
        rows.sort(key=lambda item: item[0])
        n = sorted({row['n'] for _, row in rows})
        ax.errorbar([x for x, _ in rows], [r['mean'] for _, r in rows],
                    yerr=[r.get('std') or 0. for _, r in rows], fmt='*-',
                    ms=10, color=color, capsize=3,
                    label=f'{variant} + finetune (n={"/".join(map(str, n))})')


def plot_curve(report: dict, path: str) -> bool:
    """kNN and probe top-1 against pretraining passes, one line per variant.

    Args:
        report (dict): A report (``curves``, ``classification``,
            ``fractions``).
        path (str): PNG to write (atomically).

    Returns:
        bool: False when there is no curve to draw.
    """
    if not report['curves']:
        return False
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    panels = ['100'] + [str(f) for f in sorted(report['fractions'],
                                               reverse=True) if f < 100]
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4),
                             sharey=True, squeeze=False)
    axes = axes[0]
    for ax, fraction in zip(axes, panels):
        for variant, points in report['curves'].items():
            points = [p for p in points if fraction in p['frozen']]
            x = [p['passes'] for p in points]
            for kind, style in (('knn', '-o'), ('probe', '--s')):
                y = [p['frozen'][fraction][kind]['mean'] for p in points]
                ax.plot(x, y, style, label=f'{variant} {kind}')
        _plot_finetuned(ax, report, fraction)
        ax.set_title(f'{fraction} % labels: frozen features as reference; '
                     'finetuned', fontsize=10)
        ax.set_xlabel('pretraining passes over the 1,020 sequences')
        ax.grid(alpha=.3)
    axes[0].set_ylabel('NW-UCLA view-3 top-1 (%)')
    for ax in axes:
        ax.legend(fontsize=7)
    fig.tight_layout()
    with atomic_open(path, 'wb') as f:
        fig.savefig(f, format='png', dpi=110)
    plt.close(fig)
    return True


def main(argv: Optional[List[str]] = None) -> None:
    """Read the report named on the command line and write its plot."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('report', help='a report JSON of the study')
    parser.add_argument('--out', required=True, help='PNG to write')
    args = parser.parse_args(argv)
    try:
        with open(args.report, encoding='utf-8') as f:
            report = json.load(f)
    except (OSError, ValueError) as err:
        parser.error(f'cannot read report {args.report}: {err}')
    missing = [k for k in ('curves', 'classification', 'fractions')
               if k not in report]
    if missing:
        parser.error(f'{args.report} is not a report of '
                     f'projects.nw_ucla_semi: no key {", ".join(missing)}')
    if not plot_curve(report, args.out):
        parser.error(f'{args.report} has no pretraining curve to draw')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
