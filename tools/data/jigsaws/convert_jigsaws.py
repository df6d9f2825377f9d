"""Convert JIGSAWS robot kinematics and GRS scores to the AQADataset
annotation pkl, with MUSDL's 4 folds per task as named splits.

    python tools/data/jigsaws/convert_jigsaws.py SOURCE SPLITS OUT.pkl [--loso]

SOURCE is ``jigsaws_kinematics.tar.xz`` (read in place) or the extracted
folder in the official layout; SPLITS is MUSDL's ``splits.pkl``. Writes the
splits ``<task>_fold<k>_train`` / ``_test``, ``all`` (every trial with
kinematics) and, with ``--loso``, ``<task>_loso_<subject>_train`` /
``_test``. A scored trial without kinematics is skipped and named in the
report. Work is done by
:func:`aqa_mm.datasets.converters.jigsaws.convert_jigsaws`.
"""
import argparse
from typing import Optional, Sequence

from aqa_mm.datasets.converters.cli import converter_parser, run_converter
from aqa_mm.datasets.converters.jigsaws import convert_jigsaws
from aqa_mm.datasets.converters.jigsaws_reader import TASKS


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = converter_parser(
        'JIGSAWS kinematics + GRS → AQADataset pkl',
        ('source', 'jigsaws_kinematics.tar.xz or the extracted folder'),
        ('splits', "MUSDL's splits.pkl ({task: [4 folds of trial names]})"),
        ('out_file', 'annotation .pkl to write'))
    parser.add_argument('--loso', action='store_true',
                        help='also write leave-one-user-out splits')
    parser.add_argument('--tasks', nargs='+', default=list(TASKS),
                        choices=TASKS, help='tasks to convert (default: all)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Convert and print the report."""
    args = parse_args(argv)
    run_converter('convert_jigsaws.py', lambda: convert_jigsaws(
        args.source, args.splits, args.out_file, loso=args.loso,
        tasks=args.tasks))


if __name__ == '__main__':
    main()
