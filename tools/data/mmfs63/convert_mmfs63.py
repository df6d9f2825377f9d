"""Convert the released MMFS-63 skeletons (3,959 train / 956 test, 63
classes) to an AQADataset file.

    python tools/data/mmfs63/convert_mmfs63.py SKELETON_DIR OUT.pkl
        [--video-dir DIR] [--layout TVCM] [--img-shape H W]
        [--skip-missing] [--score-range NAME=LO,HI ...]

SKELETON_DIR holds ``{train,test}_{data,score,name}.pkl`` (and optionally
``{train,test}_label.pkl`` and ``class_names.txt``); the expected layout is
documented in :mod:`aqa_mm.datasets.converters.mmfs63` and
docs/user_guides/data_preparation.md. With ``--video-dir`` every sample's
video must exist (missing ones stop the conversion unless
``--skip-missing``).
"""
import argparse
from typing import Optional, Sequence

from aqa_mm.datasets.converters import cli, mmfs63
from aqa_mm.datasets.converters.common import parse_score_ranges


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = cli.converter_parser(
        'MMFS-63 → annotation pkl',
        ('skeleton_dir', 'folder of the released lists'),
        ('out_file', 'annotation .pkl to write'))
    parser.add_argument('--video-dir', help='video folder the names are '
                        'relative to; checks every video exists')
    parser.add_argument('--layout', default=mmfs63.LAYOUT,
                        help='axis order of the skeleton arrays '
                        '(default: %(default)s, the authors\' files)')
    parser.add_argument('--img-shape', nargs=2, type=int, metavar=('H', 'W'),
                        help='frame size the coordinates refer to (default: '
                        'unset, 1080 x 1920 in PreNormalize2D)')
    cli.add_skip_missing(parser, 'samples whose skeleton or video is')
    cli.add_score_range(parser, 'report scores outside a class\'s range',
                        per_class=True)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Convert and print the report."""
    args = parse_args(argv)
    cli.run_converter('convert_mmfs63.py', lambda: mmfs63.convert_mmfs63(
        args.skeleton_dir, args.out_file, args.video_dir, args.layout,
        tuple(args.img_shape) if args.img_shape else None,
        args.skip_missing, parse_score_ranges(args.score_range)))


if __name__ == '__main__':
    main()
