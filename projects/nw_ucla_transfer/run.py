"""NW-UCLA cross-view top-1 of SME-GCN: from scratch, after SME pretraining,
and as linear probes of frozen encoders (resumable driver).

Run from the repository root::

    python -m projects.nw_ucla_transfer.run \\
        --ann-file data/nw_ucla/nw_ucla_xview.pkl --random-probe \\
        [--device cuda]

Each step is one :class:`aqa_mm.engine.launcher.TrainRun` in
``<work-dir>/<step>``, launched with :func:`~aqa_mm.engine.launcher.launch`
(trains with auto-resume, tests the last epoch's checkpoint on view 3 once,
writes ``launch_result.json``, its "done" marker):

1. ``scratch``: the SME-GCN encoder (the CTR-GCN reimplementation) +
   GCNHead from random init, ``nw_ucla_xview_scratch.py``: the official
   CTR-GCN NW-UCLA recipe scaled to 1/5 (13 epochs of 5 passes).
2. ``pretrain``: SME InfoNCE pretraining on the training views, cut to 5
   passes (``configs/nw_ucla_xview_pretrain_cpu.py``); not tested.
3. ``finetune``: the scratch recipe from the pretrained encoder.
4. ``linear_probe``: the pretrained encoder frozen (weights and BN
   statistics), only GCNHead's fc trains, ``--probe-epochs`` epochs.
5. ``linear_probe_random`` (``--random-probe``): the same probe on a frozen
   random encoder, the control the SSL probe must beat.

The test set is view 3, so the result is the last epoch, never the best one.
Kill it at any point and run the same command again: finished steps are
skipped, a killed one resumes from its newest checkpoint.

CPU budget (2 cores): two processes of one thread each do more work than
one of two threads (``--steps scratch`` in one shell beside ``--steps
pretrain finetune linear_probe`` in another); never run more threads than
cores. Scratch and finetuning take about 2 h 15 min each, the 5-pass
pretraining about 22 min, a 3-epoch probe about 12 min. ``--device cuda``
runs the same steps on a GPU.
"""
import argparse
import json
import os
import os.path as osp
import sys
from typing import Dict, List, Optional

from aqa_mm.engine.launcher import (TrainRun, launch, read_launch_result,
                                    select_device)
from aqa_mm.evaluation.results import run_minutes, scalar_curve
from aqa_mm.utils.io import atomic_write_text
from .report import REFERENCE, table

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
STEPS = ('scratch', 'pretrain', 'finetune', 'linear_probe',
         'linear_probe_random')


def config_path(*parts: str) -> str:
    """A config of the repository, relative to the working directory (the
    repository root when run as ``python -m``)."""
    return osp.relpath(osp.join(ROOT, *parts))


def step_runs(args: argparse.Namespace) -> Dict[str, TrainRun]:
    """The run of every step.

    Args:
        args (argparse.Namespace): ``ann_file``, ``work_dir``,
            ``probe_epochs``.

    Returns:
        dict[str, TrainRun]: step name -> its run (work dir
        ``<work_dir>/<step>``).
    """
    data = {'train_dataloader.dataset.dataset.ann_file': args.ann_file,
            'val_dataloader.dataset.ann_file': args.ann_file,
            'test_dataloader.dataset.ann_file': args.ann_file}
    encoder = osp.join(args.work_dir, 'pretrain', 'epoch_1.pth')
    probe = dict(data, **{'train_cfg.max_epochs': args.probe_epochs})
    transfer = ('configs', 'sme_gcn', 'transfer')
    configs = dict(
        scratch=(config_path(*transfer, 'nw_ucla_xview_scratch.py'), data),
        pretrain=(config_path('projects', 'nw_ucla_transfer', 'configs',
                              'nw_ucla_xview_pretrain_cpu.py'),
                  {'train_dataloader.dataset.dataset.ann_file':
                   args.ann_file}),
        finetune=(config_path(*transfer, 'nw_ucla_xview_finetune.py'),
                  dict(data, **{'model.backbone.init_cfg.checkpoint':
                                encoder})),
        linear_probe=(config_path(*transfer, 'nw_ucla_xview_linear_probe.py'),
                      dict(probe, **{'model.backbone.init_cfg.checkpoint':
                                     encoder})),
        linear_probe_random=(
            config_path(*transfer, 'nw_ucla_xview_linear_probe.py'),
            dict(probe, **{'model.backbone.init_cfg': None})))
    return {name: TrainRun(config, osp.join(args.work_dir, name),
                           cfg_options=options, test=name != 'pretrain')
            for name, (config, options) in configs.items()}


def read_step(work_dir: str) -> dict:
    """What a step's work dir holds.

    Args:
        work_dir (str): The step's work dir.

    Returns:
        dict: ``top1`` {epoch: %} of any validation epochs (none when the
        launcher trained without validation), ``test_top1`` (% of the
        tested last checkpoint, None before the run has finished) and
        ``minutes`` (the launcher's record, or the logs').
    """
    top1 = {epoch: 100 * value for epoch, value in
            scalar_curve(work_dir, 'acc/top1').items()}
    done = read_launch_result(work_dir)
    test = (done or {}).get('metrics', {}).get('acc/top1')
    return dict(top1=top1, test_top1=None if test is None else 100 * test,
                minutes=round(done['minutes'] if done else
                              run_minutes(work_dir), 1))


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ann-file', default='data/nw_ucla/nw_ucla_xview.pkl',
                        help='pkl from tools/data/nw_ucla/convert_nw_ucla.py')
    parser.add_argument('--work-dir', default='work_dirs/nw_ucla')
    parser.add_argument('--steps', nargs='+', choices=STEPS,
                        default=['scratch', 'pretrain', 'finetune',
                                 'linear_probe'])
    parser.add_argument('--random-probe', action='store_true',
                        help='also probe a frozen random encoder')
    parser.add_argument('--probe-epochs', type=int, default=3,
                        help='linear-probe epochs (x5 passes each)')
    parser.add_argument('--device', choices=['auto', 'cpu', 'cuda'],
                        default='auto')
    parser.add_argument('--threads', type=int,
                        help='torch CPU threads (default: torch\'s)')
    parser.add_argument('--report-only', action='store_true',
                        help='read finished work dirs, train nothing')
    parser.add_argument('--out', help='results JSON (default: '
                        '<work-dir>/nw_ucla.json)')
    args = parser.parse_args(argv)
    if not osp.exists(args.ann_file):
        parser.error(f'--ann-file {args.ann_file} does not exist; make it '
                     'with python tools/data/nw_ucla/convert_nw_ucla.py '
                     'SOURCE ' + args.ann_file)
    args.steps = list(args.steps)
    if args.random_probe and 'linear_probe_random' not in args.steps:
        args.steps.append('linear_probe_random')
    args.out = args.out or osp.join(args.work_dir, 'nw_ucla.json')
    return args


def main(argv: Optional[List[str]] = None) -> None:
    """Run (or resume) the steps, then write and print the results."""
    args = parse_args(argv)
    select_device(args.device)
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    runs = step_runs(args)
    if not args.report_only:
        for name in args.steps:
            print(f'[{name}] {runs[name].work_dir}', flush=True)
            launch(runs[name])
    results = {}
    for name in args.steps:
        run = runs[name]
        if osp.isdir(run.work_dir):
            results[name] = dict(read_step(run.work_dir), config=dict(
                config=run.config, options=run.cfg_options))
    report = dict(reference=REFERENCE, threads=args.threads,
                  device=args.device, cpus=os.cpu_count(),
                  command=' '.join(['python -m projects.nw_ucla_transfer.run']
                                   + (sys.argv[1:] if argv is None
                                      else list(argv))),
                  results=results)
    atomic_write_text(json.dumps(report, indent=2) + '\n', args.out)
    print(table(report))
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
