"""Per-class protocol (AQA-7 "Ave"): one model per class and seed, then one
table of per-class ρ, the Fisher-z average and mean ± std over seeds.

    python tools/analysis/run_protocol.py CONFIG --work-dir DIR
        [--classes 0 1 2 3 4 5] [--seeds 0 1 2]
        [--selection last|val] [--val-ratio 0.2] [--val-seed 0]
        [--gather-only] [--cfg-options k=v ...]

Each run trains CONFIG on one class (``+*_dataloader.dataset.class_ids=[c]``)
with seed s in ``DIR/class_<c>/seed_<s>`` and tests the selected checkpoint
once, through the library's resumable launcher
(:mod:`aqa_mm.engine.launcher`). Rerunning the command skips finished runs
and resumes interrupted ones. Model selection is the last epoch (default)
or the best epoch on a validation split carved out of train
(``--selection val``); never the best epoch on the test set. The table goes
to ``DIR/protocol_table.md`` and the numbers to ``DIR/protocol_results.json``.
``--cfg-options`` apply to training and test (and tell this tool which
annotation file the config uses).
"""
import argparse
import json
import os.path as osp
from typing import List, Optional, Sequence

from mmengine.config import DictAction

from aqa_mm.engine.launcher import launch
from aqa_mm.evaluation import protocol, protocol_runs
from aqa_mm.utils import (UserError, atomic_write_text, friendly_errors,
                          load_config, merge_cfg_options)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description='Per-class AQA protocol')
    parser.add_argument('config', help='training config')
    parser.add_argument('--work-dir', required=True,
                        help='protocol folder (one sub-folder per run)')
    parser.add_argument('--classes', nargs='+', type=int,
                        help='class ids (default: every class in train)')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0],
                        help='seeds (default: 0)')
    parser.add_argument('--selection', choices=['last', 'val'],
                        default='last', help='checkpoint tested: last epoch '
                        '(default) or best on a split carved out of train')
    parser.add_argument('--val-ratio', type=float, default=0.2,
                        help='per-class validation fraction (default: 0.2)')
    parser.add_argument('--val-seed', type=int, default=0,
                        help='seed of the validation split (default: 0)')
    parser.add_argument('--gather-only', action='store_true',
                        help='only rebuild the table from finished runs')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='config overrides for train.py and test.py')
    return parser.parse_args(argv)


def _options(options: List[str]) -> dict:
    """``k=v`` strings as ``--cfg-options`` parses them."""
    opts = argparse.ArgumentParser()
    opts.add_argument('--o', nargs='+', action=DictAction)
    return opts.parse_args(['--o', *options]).o if options else {}


def _ann_file(config: str, options: dict) -> str:
    """The training annotation file of ``config`` after ``options``."""
    cfg = load_config(config)
    merge_cfg_options(cfg, dict(options) or None)
    return cfg.train_dataloader.dataset.ann_file


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Run (or resume) every run, then write the table."""
    args = parse_args(argv)
    with friendly_errors('run_protocol.py'):
        options = _options(args.cfg_options)
        ann_file = _ann_file(args.config, options)
        names = protocol_runs.class_names(
            protocol_runs.read_annotation(ann_file))
        classes = args.classes if args.classes is not None else list(names)
        unknown = sorted(set(classes) - set(names))
        if unknown:
            raise UserError(f'--classes {unknown} not in the train split of '
                            f'{ann_file}; classes: {names}')
        extra = {}
        if args.selection == 'val':
            carved = osp.join(args.work_dir, 'ann_with_val.pkl')
            sizes = protocol_runs.carve_validation_split(
                ann_file, carved, args.val_ratio, args.val_seed)
            print(f'validation split carved out of train: {sizes}')
            extra = protocol_runs.val_options(carved)
        runs = protocol.plan_runs(args.work_dir, classes, args.seeds)
        for i, run in enumerate(runs):
            status = 'done' if protocol.is_finished(run) else 'running'
            print(f'[{i + 1}/{len(runs)}] class {run.class_id} '
                  f'({names[run.class_id]}), seed {run.seed}: {status}')
            if args.gather_only or protocol.is_finished(run):
                continue
            launch(protocol_runs.train_run(
                run, args.config, {**options, **protocol_runs.class_options(
                    run.class_id), **extra}, args.selection))
        rhos = protocol.gather(runs)
        summary = protocol.summarize(rhos, classes, args.seeds)
        table = protocol.format_table(summary, names, args.seeds,
                                      args.selection)
        atomic_write_text(table, osp.join(args.work_dir, 'protocol_table.md'))
        atomic_write_text(json.dumps(dict(
            config=args.config, selection=args.selection,
            classes={c: names[c] for c in classes}, seeds=args.seeds,
            spearman={c: rhos.get(c, {}) for c in classes},
            fisher_z=summary['fisher_z'],
            fisher_z_mean=summary['fisher_z_mean'],
            fisher_z_std=summary['fisher_z_std']), indent=2),
            osp.join(args.work_dir, 'protocol_results.json'))
        print(table)


if __name__ == '__main__':
    main()
