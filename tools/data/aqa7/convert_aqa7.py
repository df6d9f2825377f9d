"""Convert AQA-7 (6 classes, trampoline excluded) to an AQADataset file.

    python tools/data/aqa7/convert_aqa7.py AQA7_ROOT POSE_DIR OUT.pkl
        [--split-dir DIR] [--video-template T] [--pose-template T]
        [--skip-missing] [--score-range NAME=LO,HI ...]

AQA7_ROOT is the unzipped release (``Actions/<class>/<nnn>.avi``,
``Split_4/split_4_{train,test}_list.mat``); POSE_DIR holds the pose pkls of
``tools/extract_pose.py``, one folder per class (``<class>/<nnn>.pkl``).
Missing videos or skeletons stop the conversion (exit 2, one line naming
them) unless ``--skip-missing``. Work is done by
:func:`aqa_mm.datasets.converters.convert_aqa7`; see
docs/user_guides/data_preparation.md.
"""
import argparse
import os.path as osp
from typing import Optional, Sequence

from aqa_mm.datasets.converters import aqa7, cli
from aqa_mm.datasets.converters.common import parse_score_ranges


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = cli.converter_parser(
        'AQA-7 → annotation pkl',
        ('root', 'AQA-7 release root (videos are stored relative to it)'),
        ('pose_dir', 'folder of the pose pkls'),
        ('out_file', 'annotation .pkl to write'))
    parser.add_argument('--split-dir', help='folder of the split_4 .mat '
                        'files (default: ROOT/Split_4)')
    cli.add_template_args(parser, aqa7.VIDEO_TEMPLATE, aqa7.POSE_TEMPLATE)
    cli.add_skip_missing(parser)
    cli.add_score_range(parser, 'score range of a class to report scores '
                        'outside it (default: the CoRe/MUSDL table)',
                        per_class=True)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Convert and print the report."""
    args = parse_args(argv)
    cli.run_converter('convert_aqa7.py', lambda: aqa7.convert_aqa7(
        args.split_dir or osp.join(args.root, 'Split_4'), args.root,
        args.pose_dir, args.out_file, args.video_template,
        args.pose_template, args.skip_missing,
        parse_score_ranges(args.score_range, aqa7.CLASS_NAMES)))


if __name__ == '__main__':
    main()
