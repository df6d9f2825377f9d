"""Cut one video per dive for the RGB stream.

    python tools/data/mtl_aqa/cut_dives.py DIVES.csv OUT_DIR [--fps F]

Reads the dive list of ``make_dive_list.py`` (whole-event videos or frame
folders with each dive's frame range) and writes ``OUT_DIR/<vv>_<dd>.mp4``,
the converter's default ``--video-template`` (``dives/...`` under
``--data-root``). Existing clips are skipped, so a rerun resumes. Exit
status 1 when some dives failed (listed), 2 on bad arguments. Work is done
by :func:`aqa_mm.datasets.converters.mtl_aqa_clips.cut_dive_clips`; see
docs/user_guides/data_preparation.md.
"""
import argparse
import sys
from typing import Optional, Sequence

from aqa_mm.datasets.converters.cli import converter_parser
from aqa_mm.datasets.converters.mtl_aqa_clips import cut_dive_clips
from aqa_mm.utils.cli import friendly_errors


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = converter_parser(
        'dive list .csv -> one .mp4 per dive',
        ('dive_list', 'dive list .csv (make_dive_list.py)'),
        ('out_dir', 'folder for <id>.mp4'))
    parser.add_argument('--fps', type=float, help='clip frame rate (default: '
                        "the source's; 25 for frame folders)")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Cut the clips; print a summary and the failed dives."""
    args = parse_args(argv)
    with friendly_errors('cut_dives.py'):
        summary = cut_dive_clips(args.dive_list, args.out_dir, args.fps)
    for sample, reason in summary.failed:
        print(f'FAILED {sample}: {reason}', file=sys.stderr)
    print(f'cut_dives.py: {summary.written} written, {summary.skipped} '
          f'already there, {len(summary.failed)} failed')
    return 1 if summary.failed else 0


if __name__ == '__main__':
    sys.exit(main())
