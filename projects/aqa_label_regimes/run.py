"""AQA label regimes: does SME pretraining pay off with few scored samples?

On the built-in synthetic set (225 training, 75 test sequences; a check of
the pipeline, not a benchmark), from the repository root::

    python -m projects.aqa_label_regimes.run --variants faithful moco

1. ``pretrain_<variant>``: InfoNCE pretraining on the whole training split,
   scores unused, 15 epochs, seed 0: ``faithful`` (the paper's views,
   ``configs/sme_gcn/pretrain_synthetic.py``), ``view_aug_projector`` or
   ``moco`` (``configs/`` of this project).
2. ``scratch_p<pct>_s<seed>`` and ``finetune_<variant>_p<pct>_s<seed>``:
   ``configs/sme_gcn/{scratch,finetune}_synthetic.py`` (30 epochs) on a
   class-stratified labelled subset of the training split, from random
   init or from the variant's last pretraining checkpoint. The 5 % and
   10 % subsets are fixed by (fraction, seed), nested, and written down in
   ``results/aqa_label_subsets.json`` (10 and 20 of the 225 samples);
   100 % is the whole split. The seed is both the subset draw and the
   training seed. The file is checked against a fresh draw on
   ``--ann-file`` (a missing file is written).

Every run goes through ``aqa_mm.engine.launcher.launch``: it resumes after
a kill and is skipped when finished. Selection: none; each run is tested
once after its last epoch (``aqa/spearman`` pooled and the Fisher-z class
average). Mean ± sample std over seeds go to ``--out`` and a markdown table
is printed (``report.py``).

CPU budget (one thread per run, 2 cores): a pretraining run 4-6 min, a 5 %
or 10 % run under 1 min, a 100 % run 4-6.5 min; the default three
fractions x 3 seeds x (scratch + 2 variants) about 64 min of one-thread
compute. Run two processes side by side with ``--only pretrain`` and
``--only regimes`` (finetuning whose encoder is not ready yet is skipped;
run again afterwards).
"""
import argparse
import json
import os
import os.path as osp
import platform
import sys
from typing import List, Optional, Tuple

import torch

from aqa_mm.engine.launcher import TrainRun, launch, select_device
from aqa_mm.utils.io import atomic_write_text
from .plan import (SUBSETS, VARIANTS, ensure_subsets, pretrain_run,
                   regime_runs, rel)
from .report import DEFAULT_RESULTS, build_report, report_table

CHECKPOINT_KEY = 'model.backbone.init_cfg.checkpoint'


def select_steps(args: argparse.Namespace) -> List[Tuple[str, TrainRun]]:
    """The runs to launch, pretraining first.

    Args:
        args (argparse.Namespace): ``steps`` (names) or ``only``
            (``'pretrain'`` / ``'regimes'``) and the plan's arguments.

    Returns:
        list[tuple[str, TrainRun]]: (name, run) in launch order.

    Raises:
        SystemExit: A ``--steps`` name is not in the plan (names them).
    """
    pre = [(f'pretrain_{v}', pretrain_run(v, args)) for v in args.variants]
    runs = list(regime_runs(args).items())
    if args.steps:
        known = dict(pre + runs)
        missing = sorted(set(args.steps) - set(known))
        if missing:
            raise SystemExit(f'--steps: unknown {missing}; the plan has '
                             f'{sorted(known)}')
        # pretraining first, otherwise in the order given
        return sorted(((s, known[s]) for s in args.steps),
                      key=lambda item: item[0] not in dict(pre))
    if args.only == 'pretrain':
        return pre
    if args.only == 'regimes':
        return runs
    return pre + runs


def run_all(args: argparse.Namespace) -> None:
    """Launch (or resume) the selected runs, one after another.

    Args:
        args (argparse.Namespace): Parsed command line.
    """
    for name, run in select_steps(args):
        encoder = run.cfg_options.get(CHECKPOINT_KEY)
        if encoder and not osp.exists(encoder):
            print(f'[{name}] skipped: {encoder} does not exist yet',
                  flush=True)
            continue
        print(f'[{name}] {rel(run.config)} -> {run.work_dir}', flush=True)
        launch(run)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ann-file', default='data/synthetic/synthetic_aqa'
                        '.pkl', help='the built-in set, from tools/data/'
                        'synthetic/generate_synthetic.py')
    parser.add_argument('--work-dir', default='work_dirs/aqa_label_regimes')
    parser.add_argument('--subsets', default=SUBSETS,
                        help='labelled subsets JSON (written if missing)')
    parser.add_argument('--variants', nargs='+', choices=sorted(VARIANTS),
                        default=list(VARIANTS), help='pretraining variants '
                        '(each also finetuned in every regime)')
    parser.add_argument('--fractions', type=int, nargs='+',
                        default=[5, 10, 100], help='labelled percentages')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--threads', type=int, default=1,
                        help='torch threads of this process')
    parser.add_argument('--device', choices=('auto', 'cpu', 'cuda'),
                        default='auto')
    parser.add_argument('--only', choices=['pretrain', 'regimes'],
                        help='pretraining only, or the regimes only '
                        '(finetuning whose encoder is missing is skipped)')
    parser.add_argument('--steps', nargs='+', help='run only these steps '
                        '(work-dir names, e.g. scratch_p10_s1)')
    parser.add_argument('--report-only', action='store_true',
                        help='read finished work dirs, train nothing')
    parser.add_argument('--out', default=DEFAULT_RESULTS)
    args = parser.parse_args(argv)
    for key in ('ann_file', 'work_dir', 'subsets', 'out'):
        setattr(args, key, osp.abspath(getattr(args, key)))
    if not args.report_only and not osp.exists(args.ann_file):
        parser.error(f'--ann-file {args.ann_file} does not exist; make it '
                     'with python tools/data/synthetic/generate_synthetic.py '
                     '--out-dir data/synthetic (or bash tools/quickstart.sh)')
    return args


def main(argv: Optional[List[str]] = None) -> None:
    """Run (or resume) the regimes and write the results JSON."""
    args = parse_args(argv)
    if not args.report_only:
        select_device(args.device)
        torch.set_num_threads(args.threads)
        ensure_subsets(args)
        run_all(args)
    report = build_report(args)
    finished = [c for r in report['regimes'].values()
                for c in r['models'].values() if c['spearman']]
    table = report_table(report)
    print(table, end='')
    if not finished:
        print(f'no finished run under {args.work_dir}; {args.out} is left '
              'as it is')
        return
    words = sys.argv[1:] if argv is None else list(argv)
    report.update(command=' '.join(
        ['python -m projects.aqa_label_regimes.run'] +
        [rel(w) if osp.isabs(w) else w for w in words]),
                  threads=args.threads, device=args.device,
                  machine=platform.machine(), cpus=os.cpu_count())
    atomic_write_text(json.dumps(report, indent=2) + '\n', args.out)
    print(f'wrote {rel(args.out)}')


if __name__ == '__main__':
    main()
