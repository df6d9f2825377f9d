"""Turn per-video feature sequences computed elsewhere into an AQA set.

    python tools/import_feature_sequences.py FEATURE_DIR \
        --labels train=fis-v/train.txt --labels test=fis-v/test.txt \
        --format fisv --score TES --out-dir data/fisv

FEATURE_DIR holds one ``<id>.npy`` (T_i, C) array per sample (one row per
clip, e.g. GDLT's Fis-V Video-Swin features ``swintx_avg_fps25_clip32``).
Label files are ``id TES PCS x`` lines (``--format fisv``, the Fis-V split
files) or ``id score`` lines (``--format id-score``). Writes
``OUT_DIR/features/<id>.npz`` (stream ``rgb``, shared by every score) and
``OUT_DIR/<name>_<score>.pkl``, an annotation file for
``AQADataset(modality='Feature')``, e.g. ``configs/fisv/``. Run once per
score (``--score PCS`` reuses the feature files).
"""
import argparse
import os.path as osp

from aqa_mm.datasets.feature_sequences import (LABEL_COLUMNS,
                                               import_feature_sequences,
                                               read_label_file)
from aqa_mm.utils import UserError, friendly_errors
from aqa_mm.utils.cli import require_path, split_assignment


def parse_args() -> argparse.Namespace:
    """Parse ``sys.argv``."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('feature_dir', help='folder of <id>.npy (T, C) arrays')
    parser.add_argument('--labels', action='append', required=True,
                        metavar='SPLIT=FILE',
                        help='split name and its label file; repeat per split')
    parser.add_argument('--format', default='fisv',
                        choices=sorted(LABEL_COLUMNS), help='label format')
    parser.add_argument('--score', default='TES',
                        help='score column: TES or PCS (fisv), score '
                        '(id-score)')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--name', default='fisv',
                        help='annotation file prefix: NAME_<score>.pkl')
    parser.add_argument('--class-name', default='fis-v')
    parser.add_argument('--stream', default='rgb')
    parser.add_argument('--overwrite', action='store_true',
                        help='rewrite existing feature files')
    return parser.parse_args()


def main() -> None:
    """Import the feature sequences and labels; say what was written."""
    args = parse_args()
    with friendly_errors('import_feature_sequences.py'):
        require_path(args.feature_dir, 'feature folder', folder=True)
        splits = {}
        for item in args.labels:
            split, path = split_assignment(item, '--labels', 'SPLIT=FILE')
            if split in splits:
                raise UserError(f'--labels: split {split!r} given twice')
            splits[split] = read_label_file(path, args.format, args.score)
        ann_name = f'{args.name}_{args.score.lower()}.pkl'
        info = import_feature_sequences(
            args.feature_dir, splits, args.out_dir, ann_name,
            stream=args.stream, class_name=args.class_name,
            overwrite=args.overwrite)
        print(f"wrote {info['ann_file']} and {info['written']} feature files "
              f"({info['kept']} kept) to {osp.join(args.out_dir, 'features')}"
              f"; C={info['channels']}")
        for split in splits:
            s = info[split]
            print(f"  {split}: {s['num']} samples, T {s['min_t']}-"
                  f"{s['max_t']}, {args.score} {s['score_min']:.2f}-"
                  f"{s['score_max']:.2f} (mean {s['score_mean']:.4f}, std "
                  f"{s['score_std']:.4f})")


if __name__ == '__main__':
    main()
