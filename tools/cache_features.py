"""Run a 2M-AF config's frozen backbones once and cache per-sample features.

    python tools/cache_features.py CONFIG --out-dir DIR [--checkpoint CKPT]
        [--splits train test] [--batch-size 8] [--device cpu]
        [--cfg-options k=v ...]

CONFIG is an end-to-end two-stream config (e.g.
configs/2maf/2maf_synthetic.py): its backbones load their stream
checkpoints through ``init_cfg``, or all weights come from ``--checkpoint``
(a TwoStreamAssessor checkpoint). Every sample of each split goes through
the config's *test* pipeline (deterministic), so the cached features are
what the frozen end-to-end model computes; the cached config
(e.g. configs/2maf/2maf_synthetic_cached.py) then trains PFM on them.
Files are written atomically; a rerun skips finished samples, so a killed
run resumes. A ``manifest.json`` records what made the cache.
"""
import argparse
import json
import os.path as osp
import time

import torch
from mmengine.runner import load_checkpoint

from aqa_mm.datasets.feature_caching import cache_features
from aqa_mm.registry import DATASETS, MODELS
from aqa_mm.utils import (atomic_write_text, checkpoint_safe_globals,
                          friendly_errors, load_config, merge_cfg_options,
                          register_all_modules)
from aqa_mm.utils.cli import add_cfg_options_arg, require_path


def parse_args() -> argparse.Namespace:
    """Parse ``sys.argv``."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='end-to-end two-stream config')
    parser.add_argument('--out-dir', required=True, help='feature folder')
    parser.add_argument('--checkpoint', help='TwoStreamAssessor checkpoint '
                        '(default: the backbones\' init_cfg checkpoints)')
    parser.add_argument('--splits', nargs='+', default=['train', 'test'])
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--num-workers', type=int, default=0)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of weights not loaded from a checkpoint '
                        '(same default as aqa_mm.apis.init_aqa_model)')
    add_cfg_options_arg(parser)
    return parser.parse_args()


def main() -> None:
    """Cache the features of every split and write the manifest."""
    args = parse_args()
    with friendly_errors('cache_features.py'):
        register_all_modules()
        cfg = load_config(args.config)
        merge_cfg_options(cfg, args.cfg_options)
        if args.checkpoint:
            require_path(args.checkpoint, 'checkpoint')
        # Seed as aqa_mm.apis.init_aqa_model does, so that a backbone without
        # a checkpoint (e.g. an I3D with init_cfg=None) is rebuilt
        # identically later, e.g. by tools/demo.py with a cached-trained head.
        torch.manual_seed(args.seed)
        model = MODELS.build(cfg.model)
        model.init_weights()
        if args.checkpoint:
            with checkpoint_safe_globals():
                load_checkpoint(model, args.checkpoint, map_location='cpu',
                                strict=False)
        model.to(torch.device(args.device))
        summary = {}
        for split in args.splits:
            ds_cfg = cfg.test_dataloader.dataset.copy()
            ds_cfg.update(split=split, test_mode=True)
            dataset = DATASETS.build(ds_cfg)
            start = time.perf_counter()
            stats = cache_features(model, dataset, args.out_dir,
                                   batch_size=args.batch_size,
                                   num_workers=args.num_workers)
            stats['seconds'] = round(time.perf_counter() - start, 2)
            summary[split] = stats
            print(f'[{split}] {len(dataset)} samples: {stats}')
        manifest = dict(config=osp.abspath(args.config),
                        checkpoint=args.checkpoint, seed=args.seed,
                        ann_file=cfg.test_dataloader.dataset.ann_file,
                        splits=summary)
        atomic_write_text(json.dumps(manifest, indent=2),
                          osp.join(args.out_dir, 'manifest.json'))


if __name__ == '__main__':
    main()
