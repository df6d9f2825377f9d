"""Turn features computed elsewhere into an aqa_mm feature cache.

    python tools/import_features.py ANN_FILE --split train --out-dir DIR \
        --feature skeleton=skel_train.npy --feature rgb=rgb_train.npy

Each ``.npy`` holds an (N, C) array whose rows follow the order of the
split's ids in the annotation file (``content['split'][split]``). The cache
is then used by a cached-feature config (``modality='Feature'``) exactly
like one written by tools/cache_features.py, so PFM can fuse any two
feature sets.
"""
import argparse
import os.path as osp
import pickle

import numpy as np

from aqa_mm.datasets.feature_caching import import_feature_arrays
from aqa_mm.utils import UserError, friendly_errors
from aqa_mm.utils.cli import split_assignment


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file')
    parser.add_argument('--split', required=True)
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--feature', action='append', required=True,
                        metavar='STREAM=PATH.npy',
                        help='stream name (skeleton, rgb) and its (N, C) '
                        'array; repeat per stream')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with friendly_errors('import_features.py'):
        if not osp.isfile(args.ann_file):
            raise UserError(f'annotation file not found: {args.ann_file}')
        with open(args.ann_file, 'rb') as f:
            splits = pickle.load(f).get('split', {})
        if args.split not in splits:
            raise UserError(f'{args.ann_file}: no split {args.split!r} '
                            f'(has {sorted(splits)})')
        arrays = {}
        for item in args.feature:
            name, path = split_assignment(item, '--feature', 'STREAM=PATH',
                                          need_value=False)
            if not osp.isfile(path):
                raise UserError(f'feature array not found: {path}')
            arrays[name] = np.load(path)
        n = import_feature_arrays(list(splits[args.split]), arrays,
                                  args.out_dir)
        print(f'wrote {n} feature files to {args.out_dir}')


if __name__ == '__main__':
    main()
