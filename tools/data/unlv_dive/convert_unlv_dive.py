"""Convert UNLV-Dive (370 dives, AQA-7 diving split 300/70) to an
AQADataset file.

    python tools/data/unlv_dive/convert_unlv_dive.py UNLV_ROOT POSE_DIR OUT.pkl
        (--split-dir AQA7_SPLIT_DIR | --unlv-split-dir DIR) [--score-dir DIR]
        [--label execution|overall]
        [--video-template T] [--pose-template T]
        [--skip-missing] [--score-range LO,HI]

The label is the execution score, overall ÷ difficulty (the paper's), or
with ``--label overall`` the overall score; ``difficulty`` is stored either
way. Missing videos or skeletons stop the conversion (exit 2, one line
naming them) unless ``--skip-missing``. Work is done by
:func:`aqa_mm.datasets.converters.convert_unlv_dive`; see
docs/user_guides/data_preparation.md.
"""
import argparse
from typing import Optional, Sequence

from aqa_mm.datasets.converters import cli, unlv_dive


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = cli.converter_parser(
        'UNLV-Dive → annotation pkl',
        ('root', 'UNLV-Dive release root (videos are stored relative to it)'),
        ('pose_dir', 'folder of the pose pkls'),
        ('out_file', 'annotation .pkl to write'))
    parser.add_argument('--split-dir', help='folder of the AQA-7 split_4 '
                        '.mat files (the split; needed unless '
                        '--unlv-split-dir)')
    parser.add_argument('--score-dir', help='folder of diving_overall_'
                        'scores.mat and diving_difficulty_level.mat '
                        '(default: ROOT)')
    parser.add_argument('--label', default='execution',
                        choices=['execution', 'overall'],
                        help='training target (default: execution = '
                        'overall / difficulty)')
    parser.add_argument('--unlv-split-dir', help='use the UNLV split_300_70 '
                        '{training,testing}_idx.mat files instead')
    cli.add_template_args(parser, unlv_dive.VIDEO_TEMPLATE,
                          unlv_dive.POSE_TEMPLATE)
    cli.add_skip_missing(parser)
    cli.add_score_range(parser, 'report scores outside this range (default: '
                        '0,30 for execution, 21.6,102.6 for overall)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Convert and print the report."""
    args = parse_args(argv)
    cli.run_converter(
        'convert_unlv_dive.py', lambda: unlv_dive.convert_unlv_dive(
            args.split_dir, args.score_dir or args.root, args.root,
            args.pose_dir, args.out_file, args.label, args.unlv_split_dir,
            args.video_template, args.pose_template, args.skip_missing,
            cli.single_class_range(args.score_range, unlv_dive.CLASS_NAME)))


if __name__ == '__main__':
    main()
