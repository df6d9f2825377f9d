"""Fuse the class scores of several skeleton streams and report top-1.

    python tools/analysis/fuse_scores.py J.pkl B.pkl JM.pkl BM.pkl \
        [--weights 2 2 1 1]

Each PKL is a list of per-sample records with ``pred_scores`` and
``gt_labels`` (e.g. mmengine's ``DumpResults``: ``tools/test.py CFG CKPT
--cfg-options "test_evaluator=[dict(type='AccMetric'),dict(type='DumpResults',
out_file_path='j.pkl')]"``). Work is done by
:func:`aqa_mm.evaluation.score_fusion.fuse_dumps`.
"""
import argparse
from typing import Optional, Sequence

from aqa_mm.evaluation.score_fusion import NTU_STREAM_WEIGHTS, fuse_dumps
from aqa_mm.utils.cli import friendly_errors


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description='late score fusion')
    parser.add_argument('dumps', nargs='+', help='per-stream result pkls')
    parser.add_argument('--weights', type=float, nargs='+',
                        default=list(NTU_STREAM_WEIGHTS),
                        help='one weight per dump (default: 2 2 1 1)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Fuse and print the top-1 accuracy."""
    args = parse_args(argv)
    with friendly_errors('fuse_scores.py'):
        _, labels, top1 = fuse_dumps(args.dumps, args.weights)
    print(f'fused {len(args.dumps)} streams (weights {args.weights}) over '
          f'{len(labels)} samples: top-1 {100 * top1:.2f} %')


if __name__ == '__main__':
    main()
