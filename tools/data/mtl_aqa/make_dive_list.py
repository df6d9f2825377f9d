"""Write the MTL-AQA dive list for tools/extract_pose.py.

    python tools/data/mtl_aqa/make_dive_list.py ANNO_DIR SOURCE_ROOT OUT.csv
        [--layout video|frames|dive_frames] [--template T]

One row per dive (``path,start,end,id``): the whole-event video
``SOURCE_ROOT/<vv>.mp4`` (``--layout video``) or frame folder
``SOURCE_ROOT/<vv>/`` (``frames``, the release's ``frame_extractor.sh``
output) with the dive's 0-based frame range, or MUSDL's per-dive folder
``SOURCE_ROOT/<vv>_<dd>/`` (``dive_frames``). Ids are ``<vv>_<dd>``, the
converter's sample ids. Then::

    python tools/extract_pose.py OUT.csv --out-dir POSE_DIR ...

Work is done by
:func:`aqa_mm.datasets.converters.mtl_aqa_dives.write_dive_list`; see
docs/user_guides/data_preparation.md.
"""
import argparse
from typing import Optional, Sequence

from aqa_mm.datasets.converters import mtl_aqa_dives
from aqa_mm.datasets.converters.cli import converter_parser
from aqa_mm.utils.cli import friendly_errors


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = converter_parser(
        'MTL-AQA annotations → dive list .csv for extract_pose',
        ('anno_dir', 'folder of final_annotations_dict.pkl'),
        ('source_root', 'folder of the whole-event videos or frame folders'),
        ('out_file', 'dive list .csv to write'))
    parser.add_argument('--layout', default='video',
                        choices=sorted(mtl_aqa_dives.LAYOUTS),
                        help='what SOURCE_ROOT holds (default: %(default)s)')
    parser.add_argument('--template', help='path under SOURCE_ROOT with '
                        '{video} and {dive}, replacing the layout\'s')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Write the list and say how many dives it holds."""
    args = parse_args(argv)
    with friendly_errors('make_dive_list.py'):
        count = mtl_aqa_dives.write_dive_list(
            args.anno_dir, args.source_root, args.out_file, args.layout,
            args.template)
    print(f'wrote {args.out_file} ({count} dives, layout {args.layout})')


if __name__ == '__main__':
    main()
