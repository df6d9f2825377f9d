"""Prediction versus ground truth, one panel per stream (paper Fig. 2).

    python tools/analysis/plot_scatter.py DUMP [DUMP ...] --out scatter.png
        [--ann-file ANN.pkl [--target-range 0 100]] [--names A B ...]

DUMP is a ``tools/test.py --dump`` pickle. A 2M-AF dump gets three panels
(skeleton, RGB, fused), a single-stream dump one; several dumps give one row
each. Each panel has the y = x line, Spearman's ρ in its title and the
points coloured by class. Dumps of models trained with ``NormalizeScore``
hold normalised predictions: pass the training annotation file as
``--ann-file`` to map them back. Work is done by
:func:`aqa_mm.analysis.scatter.plot_scatter`.
"""
import argparse
import os.path as osp
from typing import Optional, Sequence

from aqa_mm.analysis.dump_reader import add_denormalize_args
from aqa_mm.utils.cli import UserError, friendly_errors


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description='prediction vs ground truth')
    parser.add_argument('dumps', nargs='+', help='tools/test.py --dump pkls')
    parser.add_argument('--out', required=True, help='output image (.png)')
    parser.add_argument('--names', nargs='+',
                        help='one row name per dump (default: file names)')
    add_denormalize_args(parser)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Plot and print ρ of every panel."""
    args = parse_args(argv)
    with friendly_errors('plot_scatter.py'):
        from aqa_mm.analysis.dump_reader import load_scores
        from aqa_mm.analysis.scatter import plot_scatter
        if args.names and len(args.names) != len(args.dumps):
            raise UserError(f'--names has {len(args.names)} names for '
                            f'{len(args.dumps)} dumps')
        dumps = [load_scores(p, args.ann_file, tuple(args.target_range))
                 for p in args.dumps]
        names = args.names or (
            [osp.basename(p) for p in args.dumps] if len(args.dumps) > 1
            else None)
        note = ' (denormalised)' if args.ann_file else ''
        panels = plot_scatter(dumps, args.out, names, note)
    for p in panels:
        row = names[p['row']] + ' ' if names else ''
        print(f'{row}{p["stream"]}: rho = {p["rho"]:.4f} (n = {p["n"]})')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
