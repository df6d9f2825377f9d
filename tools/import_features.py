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
import pickle

import numpy as np

from aqa_mm.datasets.feature_caching import import_feature_arrays
from aqa_mm.utils import UserError, friendly_errors
from aqa_mm.utils.cli import require_path, split_assignment


def parse_args() -> argparse.Namespace:
    """Parse ``sys.argv``."""
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
    """Write one feature file per sample of the split; say how many."""
    args = parse_args()
    with friendly_errors('import_features.py'):
        with open(require_path(args.ann_file, 'annotation file'), 'rb') as f:
            splits = pickle.load(f).get('split', {})
        if args.split not in splits:
            raise UserError(f'{args.ann_file}: no split {args.split!r} '
                            f'(has {sorted(splits)})')
        arrays = {}
        for item in args.feature:
            name, path = split_assignment(item, '--feature', 'STREAM=PATH',
                                          need_value=False)
            arrays[name] = np.load(require_path(path, 'feature array'))
        n = import_feature_arrays(list(splits[args.split]), arrays,
                                  args.out_dir)
        print(f'wrote {n} feature files to {args.out_dir}')


if __name__ == '__main__':
    main()
