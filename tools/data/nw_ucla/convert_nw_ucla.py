"""Convert NW-UCLA skeletons (CTR-GCN ``all_sqe`` JSON files) to an mmaction2
``PoseDataset`` pkl with the cross-view split.

    python tools/data/nw_ucla/convert_nw_ucla.py SOURCE OUT.pkl

SOURCE is ``nw_ucla_all_sqe.tar.gz`` (read in place, no extraction) or an
extracted folder. Split ``xview_train`` = views 1+2 (1,020 sequences),
``xview_val`` = view 3 (464); labels are 0-based. A corrupt file stops the
conversion (exit 2, one line naming it). Work is done by
:func:`aqa_mm.datasets.converters.nw_ucla.convert_nw_ucla`.
"""
import argparse
from typing import Optional, Sequence

from aqa_mm.datasets.converters.nw_ucla import convert_nw_ucla
from aqa_mm.utils.cli import friendly_errors


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description='NW-UCLA → mmaction2 pkl')
    parser.add_argument('source', help='nw_ucla_all_sqe.tar.gz or a folder '
                        'of aXX_sYY_eZZ_vWW.json files')
    parser.add_argument('out_file', help='annotation .pkl to write')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Convert and print the report."""
    args = parse_args(argv)
    with friendly_errors('convert_nw_ucla.py'):
        report = convert_nw_ucla(args.source, args.out_file)
    print(f'wrote {args.out_file}: {report["num_samples"]} sequences '
          f'(xview_train {report["num_train"]}, xview_val '
          f'{report["num_test"]}; {report["num_single_frame"]} with T = 1, '
          f'max T {report["max_frames"]})')


if __name__ == '__main__':
    main()
