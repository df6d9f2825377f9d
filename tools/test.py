"""Evaluate a checkpoint; the command line mirrors mmaction2's tools/test.py.

    python tools/test.py CONFIG CHECKPOINT [--dump preds.pkl] [--work-dir DIR]
        [--metrics-out metrics.json]
        [--cfg-options k=v ...] [--launcher none|pytorch|slurm|mpi]

``--dump`` writes every test sample's prediction with its ground truth
(``frame_dir``, ``gt_score``, ``pred_aqa_score``, ``class_id``, ...) as a
list of dicts to a pickle, for tools/analysis.
"""
import argparse
import json

from aqa_mm.engine.runner import build_runner
from aqa_mm.utils import (UserError, atomic_write_text,
                          end_distributed_worker, friendly_errors)
from aqa_mm.utils.cli import (add_runner_args, merge_runner_args,
                              parse_runner_args, require_path)
from aqa_mm.utils.setup_env import load_tool_config
from aqa_mm.utils.checkpoint import check_checkpoint_matches


def parse_args() -> argparse.Namespace:
    """Parse ``sys.argv``."""
    parser = argparse.ArgumentParser(description='Test an AQA model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='dir for the evaluation log')
    parser.add_argument('--dump', type=str,
                        help='pickle file for per-sample predictions')
    parser.add_argument('--metrics-out', type=str,
                        help='write the final metrics to this JSON file')
    add_runner_args(parser)
    return parse_runner_args(parser)


def merge_args(cfg, args):
    """Merge command-line arguments into ``cfg``."""
    merge_runner_args(cfg, args)
    cfg.load_from = require_path(args.checkpoint, 'checkpoint')
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise UserError(f'--dump must be a .pkl file, got {args.dump}')
        dump = dict(type='DumpAQAResults', out_file_path=args.dump)
        evaluator = cfg.test_evaluator
        cfg.test_evaluator = (list(evaluator) if isinstance(
            evaluator, (list, tuple)) else [evaluator]) + [dump]
    return cfg


def main() -> None:
    """Test the checkpoint (and write the metrics when asked)."""
    args = parse_args()
    with friendly_errors('test.py'):
        cfg = load_tool_config(args, merge_args)
        runner = build_runner(cfg)
        # mmengine would only warn about mismatched keys and test random
        # weights; refuse a checkpoint of another model instead
        check_checkpoint_matches(runner.model, args.checkpoint)
        metrics = runner.test()
        if args.metrics_out and runner.rank == 0:
            atomic_write_text(json.dumps(metrics, indent=2), args.metrics_out)
        end_distributed_worker()


if __name__ == '__main__':
    main()
