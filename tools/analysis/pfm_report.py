"""Per-class report of the 2M-AF stream selector (PFM).

    python tools/analysis/pfm_report.py DUMP [--out report.md] [--json]
        [--ann-file ANN.pkl [--target-range 0 100]]

DUMP is a ``tools/test.py --dump`` pickle of a two-stream model. For each
class and overall: how often each stream is selected, the selector's
accuracy against the preference label (the stream closer to the ground
truth; ties go to the skeleton), ρ of each stream, of the fused score and
of the oracle (better stream per sample), and the gain of the fused ρ over
each stream. Markdown (or ``--json``) to stdout and to ``--out``. Work is
done by :mod:`aqa_mm.analysis.pfm_report`.
"""
import argparse
from typing import Optional, Sequence

from aqa_mm.analysis.dump_reader import add_denormalize_args
from aqa_mm.utils.cli import friendly_errors
from aqa_mm.utils.io import atomic_write_text


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description='PFM selector report')
    parser.add_argument('dump', help='tools/test.py --dump pkl (2M-AF)')
    parser.add_argument('--out', help='also write the report to this file')
    parser.add_argument('--json', action='store_true',
                        help='JSON instead of markdown')
    add_denormalize_args(parser)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Compute the report and print it."""
    args = parse_args(argv)
    with friendly_errors('pfm_report.py'):
        from aqa_mm.analysis import pfm_report
        from aqa_mm.analysis.dump_reader import load_scores
        records = load_scores(args.dump, args.ann_file,
                              tuple(args.target_range))
        report = pfm_report.pfm_report(records, args.dump)
        text = (pfm_report.format_json(report) if args.json else
                pfm_report.format_markdown(
                    report, f'PFM selector report: {args.dump}'))
        if args.out:
            atomic_write_text(text, args.out)
    print(text, end='')


if __name__ == '__main__':
    main()
