"""Write class-stratified labelled subsets of a skeleton pkl split.

    python tools/data/make_label_subsets.py data/nw_ucla/nw_ucla_xview.pkl \
        benchmarks/results/nw_ucla_label_subsets.json \
        --split xview_train --fractions 0.05 0.1 --seeds 0 1 2

For the semi-supervised protocol (pretrain on the whole split without
labels, finetune on a labelled subset). The subsets are fixed by (fraction,
seed) and nested per seed; see :mod:`aqa_mm.datasets.label_subset`. Configs
read one back with ``dict(type='SubsetPoseDataset', subset_file=...,
subset='10%/seed0')``.
"""
import argparse
from typing import Optional, Sequence

import mmengine

from aqa_mm.datasets.label_subset import write_subsets
from aqa_mm.utils.cli import UserError, friendly_errors


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file', help='mmaction2 skeleton .pkl')
    parser.add_argument('out_file', help='subsets .json to write')
    parser.add_argument('--split', default='xview_train')
    parser.add_argument('--fractions', type=float, nargs='+',
                        default=[0.05, 0.1])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Draw the subsets, write them and print their sizes."""
    args = parse_args(argv)
    with friendly_errors('make_label_subsets.py'):
        data = mmengine.load(args.ann_file)
        if args.split not in data.get('split', {}):
            raise UserError(f'{args.ann_file} has no split {args.split!r}; '
                            f'it has {sorted(data.get("split", {}))}')
        names = set(data['split'][args.split])
        samples = [(a['frame_dir'], int(a['label']))
                   for a in data['annotations'] if a['frame_dir'] in names]
        subsets = write_subsets(samples, args.fractions, args.seeds,
                                args.out_file,
                                source=f'{args.ann_file}:{args.split}')
    for key, kept in subsets.items():
        print(f'{key}: {len(kept)} of {len(samples)}')
    print(f'wrote {args.out_file}')


if __name__ == '__main__':
    main()
