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

from aqa_mm.datasets.converters import aqa7
from aqa_mm.datasets.converters.common import parse_score_ranges
from aqa_mm.utils.cli import friendly_errors


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description='AQA-7 → annotation pkl')
    parser.add_argument('root', help='AQA-7 release root (videos are '
                        'stored relative to it)')
    parser.add_argument('pose_dir', help='folder of the pose pkls')
    parser.add_argument('out_file', help='annotation .pkl to write')
    parser.add_argument('--split-dir', help='folder of the split_4 .mat '
                        'files (default: ROOT/Split_4)')
    parser.add_argument('--video-template', default=aqa7.VIDEO_TEMPLATE,
                        help='video path under ROOT (default: %(default)s)')
    parser.add_argument('--pose-template', default=aqa7.POSE_TEMPLATE,
                        help='pose pkl under POSE_DIR (default: %(default)s)')
    parser.add_argument('--skip-missing', action='store_true',
                        help='skip samples whose video or skeleton is '
                        'missing (default: stop)')
    parser.add_argument('--score-range', nargs='+', metavar='NAME=LO,HI',
                        help='score range of a class to report scores '
                        'outside it (default: the CoRe/MUSDL table)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Convert and print the report."""
    args = parse_args(argv)
    with friendly_errors('convert_aqa7.py'):
        report = aqa7.convert_aqa7(
            args.split_dir or osp.join(args.root, 'Split_4'), args.root,
            args.pose_dir, args.out_file, args.video_template,
            args.pose_template, args.skip_missing,
            parse_score_ranges(args.score_range, aqa7.CLASS_NAMES))
        print('\n'.join(report.lines()))


if __name__ == '__main__':
    main()
