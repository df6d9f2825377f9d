"""Train an aqa_mm model; the command line mirrors mmaction2's tools/train.py.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [auto|PATH]]
        [--amp] [--auto-scale-lr] [--seed N] [--deterministic]
        [--cfg-options k=v ...] [--launcher none|pytorch|slurm|mpi]
"""
import argparse

import torch

from aqa_mm.engine.runner import build_runner
from aqa_mm.utils import (UserError, check_work_dir, end_distributed_worker,
                          friendly_errors)
from aqa_mm.utils.cli import (add_runner_args, merge_runner_args,
                              parse_runner_args, require_path)
from aqa_mm.utils.setup_env import load_tool_config


def parse_args() -> argparse.Namespace:
    """Parse ``sys.argv``."""
    parser = argparse.ArgumentParser(description='Train an AQA model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='dir to save logs and checkpoints')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from the given checkpoint, or from the latest checkpoint '
        'in work_dir when no path is given')
    parser.add_argument('--amp', action='store_true',
                        help='enable automatic mixed precision training')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the lr by actual / base batch size')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument('--diff-rank-seed', action='store_true',
                        help='give each rank a different seed')
    parser.add_argument('--deterministic', action='store_true',
                        help='deterministic algorithms (slower)')
    add_runner_args(
        parser, 'override config entries, e.g. train_cfg.max_epochs=5; keys '
        'must exist (prefix "+" to add a new key)')
    return parse_runner_args(parser)


def merge_args(cfg, args):
    """Merge command-line arguments into ``cfg``."""
    merge_runner_args(cfg, args)
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.amp:
        if not torch.cuda.is_available():
            raise UserError('--amp needs a CUDA GPU (mmengine\'s '
                            'AmpOptimWrapper is CUDA/NPU/MLU only); drop '
                            '--amp to train in float32 on CPU')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = require_path(args.resume, '--resume checkpoint')
    if args.auto_scale_lr:
        if 'auto_scale_lr' not in cfg:
            raise UserError('--auto-scale-lr needs "auto_scale_lr" '
                            '(enable, base_batch_size) in the config')
        cfg.auto_scale_lr.enable = True
    if args.seed is not None or args.deterministic:
        randomness = cfg.setdefault('randomness', {})
        if args.seed is not None:
            randomness['seed'] = args.seed
        randomness['diff_rank_seed'] = args.diff_rank_seed
        randomness['deterministic'] = args.deterministic
    return cfg


def main() -> None:
    """Train the model of the config."""
    args = parse_args()
    with friendly_errors('train.py'):
        cfg = load_tool_config(args, merge_args)
        check_work_dir(cfg.work_dir)
        runner = build_runner(cfg)
        runner.train()
        end_distributed_worker()


if __name__ == '__main__':
    main()
