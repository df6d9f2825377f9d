"""Mean ± std over runs (seeds) of each metric, grouped by config.

    python tools/analysis/summarize.py RESULT [RESULT ...] [--out table.md]
        [--metrics 'aqa/spearman*' aqa/mse] [--json]

RESULT is a ``tools/test.py --metrics-out`` JSON, a work_dir's
``*/vis_data/scalars.json`` (last validation record), a ``tools/test.py
--dump`` pickle, or a work_dir; ``NAME=RESULT`` puts it in group NAME,
otherwise the group is the config name found next to it (see
:mod:`aqa_mm.analysis.summarize`).
"""
import argparse
import json
import sys
from typing import Optional, Sequence

from aqa_mm.utils.cli import friendly_errors
from aqa_mm.utils.io import atomic_write_text


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description='mean ± std over runs')
    parser.add_argument('results', nargs='+',
                        help='metrics JSON / scalars.json / dump pkl / '
                        'work_dir, optionally as NAME=PATH')
    parser.add_argument('--out', help='also write the table to this file')
    parser.add_argument('--metrics', nargs='+',
                        help='metric names or shell patterns to keep '
                        '(default: all)')
    parser.add_argument('--json', action='store_true',
                        help='JSON instead of markdown')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Read every run, aggregate and print the table."""
    args = parse_args(argv)
    with friendly_errors('summarize.py'):
        from aqa_mm.analysis import summarize
        runs = summarize.collect(args.results)
        names, table = summarize.aggregate(runs, args.metrics)
        for run in runs:
            print(f'{run.group}: {run.path}', file=sys.stderr)
        if args.json:
            text = json.dumps(dict(metrics=names, groups=table), indent=2,
                              allow_nan=True) + '\n'
        else:
            text = summarize.format_markdown(names, table, runs)
        if args.out:
            atomic_write_text(text, args.out)
    print(text, end='')


if __name__ == '__main__':
    main()
