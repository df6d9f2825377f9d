"""Redraw a semi-supervised NW-UCLA curve from its report JSON alone::

    python benchmarks/plot_nw_ucla_semi.py \\
        benchmarks/results/nw_ucla_semi.json \\
        --out docs/images/nw_ucla_semi_curve.png

``bench_nw_ucla_semi.py`` draws the curve when it reports, which needs the
work dirs and cached features of the runs. The report JSON holds every
number the plot shows, so this redraws it (after a change to the plot, in
a checkout whose work dirs are gone) without reading a work dir.
"""
import argparse
import json
import os.path as osp
import sys
from typing import List, Optional

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from nw_ucla_semi_report import plot_curve  # noqa: E402


def main(argv: Optional[List[str]] = None) -> None:
    """Read the report named on the command line and write its plot."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('report', help='JSON written by bench_nw_ucla_semi')
    parser.add_argument('--out', required=True, help='PNG to write')
    args = parser.parse_args(argv)
    try:
        with open(args.report) as f:
            report = json.load(f)
    except (OSError, ValueError) as err:
        parser.error(f'cannot read report {args.report}: {err}')
    missing = [k for k in ('curves', 'classification', 'fractions')
               if k not in report]
    if missing:
        parser.error(f'{args.report} is not a bench_nw_ucla_semi report: '
                     f'no key {", ".join(missing)}')
    if not plot_curve(report, args.out):
        parser.error(f'{args.report} has no pretraining curve to draw')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
