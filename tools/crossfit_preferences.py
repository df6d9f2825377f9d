"""Cross-fitted PFM preference labels from a feature cache (beyond the paper).

    python tools/crossfit_preferences.py ANN_FILE --feature-dir DIR \
        [--split train] [--folds 5] [--seed 0] [--alpha 1.0] [--out PKL]

For every training sample, each stream's score comes from a linear
regressor fitted on the other folds (see
aqa_mm/datasets/crossfit_preferences.py); the label is the stream closer to
the truth (Eq. 5, ties to skeleton). Writes
``{frame_dir: label}`` (default ``DIR/preferences_k{folds}_s{seed}.pkl``)
for ``LoadAQAFeatures(preference_file=...)`` with
``PFMHead(preference='given')``, and prints how the cross-fitted labels
differ from the paper's in-sample ones.
"""
import argparse
import json
import os.path as osp

import numpy as np

from aqa_mm.datasets import AQADataset
from aqa_mm.datasets.crossfit_preferences import crossfit_preferences
from aqa_mm.datasets.feature_cache import load_features
from aqa_mm.utils import atomic_pickle_dump, friendly_errors


def parse_args() -> argparse.Namespace:
    """Parse ``sys.argv``."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file')
    parser.add_argument('--feature-dir', required=True)
    parser.add_argument('--split', default='train')
    parser.add_argument('--folds', type=int, default=5)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--alpha', type=float, default=1.0)
    parser.add_argument('--class-ids', type=int, nargs='+')
    parser.add_argument('--out')
    return parser.parse_args()


def main() -> None:
    """Compute the cross-fitted preference labels and write them."""
    args = parse_args()
    with friendly_errors('crossfit_preferences.py'):
        dataset = AQADataset(args.ann_file, pipeline=[], split=args.split,
                             modality='Feature', class_ids=args.class_ids,
                             data_prefix=dict(feature=args.feature_dir))
        infos = [dataset.get_data_info(i) for i in range(len(dataset))]
        loaded = [load_features(i['feature_file']) for i in infos]
        feats = {s: np.stack([f[s] for f in loaded])
                 for s in ('skeleton', 'rgb')}
        result = crossfit_preferences(
            [i['frame_dir'] for i in infos], [i['class_id'] for i in infos],
            np.array([i['score'] for i in infos]), feats, args.folds,
            args.seed, args.alpha)
        out = args.out or osp.join(
            args.feature_dir,
            f'preferences_k{args.folds}_s{args.seed}.pkl')
        atomic_pickle_dump(result['labels'], out)
        summary = {k: round(v, 4) for k, v in result.items()
                   if isinstance(v, float)}
        print(json.dumps(summary, indent=2))
        print(f'wrote {len(result["labels"])} labels to {out}')


if __name__ == '__main__':
    main()
