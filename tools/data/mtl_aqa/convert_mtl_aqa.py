"""Convert MTL-AQA (1,412 dives, split 1,059 / 353) to an AQADataset file.

    python tools/data/mtl_aqa/convert_mtl_aqa.py ANNO_DIR POSE_DIR OUT.pkl
        [--label final|execution] [--data-root DIR]
        [--video-template T] [--pose-template T]
        [--skip-missing] [--score-range LO,HI]

ANNO_DIR holds the release's ``final_annotations_dict.pkl``,
``train_split_0.pkl`` and ``test_split_0.pkl``; POSE_DIR the pose pkls of
``tools/extract_pose.py`` run on the dive list of ``make_dive_list.py``
(``<vv>_<dd>.pkl``). The label is the final score, or with ``--label
execution`` final ÷ difficulty; ``difficulty`` is stored either way. With
``--data-root`` every dive's RGB input (``--video-template``) must exist
there. Missing skeletons (or videos) stop the conversion (exit 2, one line
naming them) unless ``--skip-missing``. Work is done by
:func:`aqa_mm.datasets.converters.convert_mtl_aqa`; see
docs/user_guides/data_preparation.md.
"""
import argparse
from typing import Optional, Sequence

from aqa_mm.datasets.converters import cli, mtl_aqa


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = cli.converter_parser(
        'MTL-AQA → annotation pkl',
        ('anno_dir', 'folder of final_annotations_dict.pkl and '
         '{train,test}_split_0.pkl'),
        ('pose_dir', 'folder of the pose pkls'),
        ('out_file', 'annotation .pkl to write'))
    parser.add_argument('--label', default='final',
                        choices=['final', 'execution'],
                        help='training target (default: final score; '
                        'execution = final / difficulty)')
    parser.add_argument('--data-root', help='folder the per-dive RGB inputs '
                        'are relative to; when given they must exist')
    cli.add_template_args(parser, mtl_aqa.VIDEO_TEMPLATE,
                          mtl_aqa.POSE_TEMPLATE, 'RGB input under '
                          '--data-root, with {video} and {dive}')
    cli.add_skip_missing(parser, 'dives whose skeleton or video is')
    cli.add_score_range(parser, 'report scores outside this range (default: '
                        '0,104.5 for final, 0,30 for execution)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Convert and print the report."""
    args = parse_args(argv)
    cli.run_converter('convert_mtl_aqa.py', lambda: mtl_aqa.convert_mtl_aqa(
        args.anno_dir, args.pose_dir, args.out_file, args.label,
        args.data_root, args.video_template, args.pose_template,
        args.skip_missing,
        cli.single_class_range(args.score_range, mtl_aqa.CLASS_NAME)))


if __name__ == '__main__':
    main()
