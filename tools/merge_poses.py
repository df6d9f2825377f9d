"""Merge the per-video pose files of tools/extract_pose.py into one annotation.

    # AQA annotation (AQADataset and mmaction2 PoseDataset): join scores,
    # classes and splits from a sample table (.json or .csv)
    python tools/merge_poses.py POSE_DIR --out ANN.pkl --samples TABLE
        [--allow-missing] [--dataset-name NAME]

    # plain mmaction2 skeleton annotation (no scores)
    python tools/merge_poses.py POSE_DIR --out ANN.pkl [--splits SPLITS.json]

The sample table format is described in aqa_mm/pose/merge.py and
docs/user_guides/pose_extraction.md. POSE_DIR is searched recursively, so the
outputs of all shards (and machines) only need to be copied into one
folder.
"""
import argparse
import json
import sys
from typing import List, Optional

from aqa_mm.pose import (load_pose_dir, load_sample_table, merge_aqa,
                         merge_plain)
from aqa_mm.utils import UserError, atomic_pickle_dump, friendly_errors


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    p = argparse.ArgumentParser(description='Merge per-video pose files')
    p.add_argument('pose_dir', help='folder with the per-video pose .pkl')
    p.add_argument('--out', required=True, help='annotation .pkl to write')
    p.add_argument('--samples', default=None, help='sample table (.json or '
                   '.csv) with frame_dir, split, score, class_id, ...: '
                   'writes the AQA annotation')
    p.add_argument('--splits', default=None, help='JSON {split: [ids]} for '
                   'a plain skeleton annotation (default: one split "all")')
    p.add_argument('--allow-missing', action='store_true',
                   help='drop table samples without a pose file')
    p.add_argument('--dataset-name', default=None,
                   help='stored in metainfo')
    return p.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Merge the per-video pose files into one annotation file; returns 0."""
    args = parse_args(argv)
    with friendly_errors('merge_poses.py'):
        if args.samples and args.splits:
            raise UserError('--splits is for plain annotations; with '
                            '--samples the splits come from the table')
        poses = load_pose_dir(args.pose_dir)
        if args.samples:
            ann, missing = merge_aqa(poses, load_sample_table(args.samples),
                                     args.allow_missing, args.dataset_name)
            if missing:
                print(f'merge_poses.py: dropped {len(missing)} sample(s) '
                      f'without a pose file: {missing[:5]}', file=sys.stderr)
        else:
            splits = None
            if args.splits:
                with open(args.splits, encoding='utf-8') as f:
                    try:
                        splits = json.load(f)
                    except json.JSONDecodeError as exc:
                        raise UserError(f'{args.splits}: not JSON ({exc})')
            ann = merge_plain(poses, splits)
        atomic_pickle_dump(ann, args.out)
    sizes = ', '.join(f'{k}: {len(v)}' for k, v in ann['split'].items())
    print(f'merge_poses.py: wrote {args.out}: {len(ann["annotations"])} '
          f'samples ({sizes}) from {len(poses)} pose files')
    return 0


if __name__ == '__main__':
    sys.exit(main())
