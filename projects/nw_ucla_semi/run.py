"""Semi-supervised NW-UCLA: does SME pretraining pay off with few labels?
(resumable driver)

The protocol of the self-supervised skeleton literature (AimCLR, CrosSCLR,
PSTL), on real NW-UCLA cross-view skeletons; run from the repository root::

    python -m projects.nw_ucla_semi.run \\
        --ann-file data/nw_ucla/nw_ucla_xview.pkl [--device cuda]

1. ``pretrain_<variant>``: InfoNCE pretraining on all 1,020 view-1+2
   training sequences, labels unused: the paper's views (``faithful``) or
   one of the one-line options (:data:`plan.VARIANTS`). Its schedule is 13
   epochs of 5 passes; ``--pretrain-epochs N`` trains its first N epochs
   with the LR the whole schedule has there, and a later, larger ``N``
   continues the same run.
2. ``scratch_p<pct>_s<seed>`` and ``finetune_<variant>_e<epoch>_p<pct>_s
   <seed>``: the NW-UCLA classification recipe (13 epochs of 5 passes over
   the labelled part) on a class-stratified subset of the training split
   (``configs/nw_ucla_label_subsets.json``), from random init or from the
   encoder after ``<epoch>`` pretraining epochs (``--finetune-from
   variant:epoch``). The seed is both the subset draw and the training
   seed; ``--fractions 100`` uses the whole split.
3. The report: the test top-1 of every classification run, and kNN top-1
   (k = 20, cosine, τ-weighted) and a linear probe on cached, frozen,
   un-augmented features of every pretraining checkpoint (and of the random
   init), with the whole training split and each labelled subset as
   reference.

Every step is launched through :func:`aqa_mm.engine.launcher.launch`: the
test set is view 3, so the last epoch is tested, never the best one. Kill it
at any point and run the same command again; ``--plan`` lists the steps and
which remain. Two lanes are two processes: ``--only pretrain`` in one shell,
``--only classification`` in another (a finetuning run whose encoder is not
ready yet is left for the next call).

CPU budget (2 cores, one thread per process): a pretraining epoch (5
passes) 20-40 min, a 5 % run 10-12 min, a 10 % run 10-22 min, a 100 % run
about 100 min, the frozen-feature evaluation 1-2 min per checkpoint. The
whole 65-pass schedule and its finetuning runs are hours on one GPU
(``--device cuda``).
"""
import argparse
import json
import os
import os.path as osp
import sys
from typing import List, Optional

from mmengine.config import DictAction

from aqa_mm.engine.launcher import RESULT_FILE, launch, select_device
from aqa_mm.utils.io import atomic_write_text
from .collect import build_report
from .merge import merge_classification
from .plan import (FINETUNE_CONFIGS, VARIANTS, Step, build_plan,
                   finished_epochs, step_state)
from .plot import plot_curve
from .report import classification_table


def run_steps(steps: List[Step]) -> None:
    """Launch every step that can run now, in order.

    A finished pretraining asked for more epochs continues: its result file
    is kept as ``launch_result_e<epochs>.json`` and the run resumes from its
    last checkpoint. A finetuning run whose encoder is not ready is skipped.
    """
    for step in steps:
        state = step_state(step)
        if state == 'waits for its encoder':
            print(f'[{step.name}] skipped: {step.encoder} is not ready; run '
                  'again when its pretraining has got there', flush=True)
            continue
        if state == 'continues':
            result = osp.join(step.run.work_dir, RESULT_FILE)
            os.replace(result, osp.join(
                step.run.work_dir,
                f'launch_result_e{finished_epochs(step)}.json'))
        print(f'[{step.name}] {state}: {step.run.work_dir}', flush=True)
        launch(step.run)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line, checked."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ann-file', default='data/nw_ucla/nw_ucla_xview.pkl',
                        help='pkl from tools/data/nw_ucla/convert_nw_ucla.py')
    parser.add_argument('--work-dir', default='work_dirs/nw_ucla_semi')
    parser.add_argument('--variants', nargs='+', choices=sorted(VARIANTS),
                        default=['faithful'])
    parser.add_argument('--pretrain-epochs', type=int, default=3,
                        help='train each variant to this epoch of its 13 '
                        '(x5 passes); run again with more to continue')
    parser.add_argument('--finetune-from', nargs='*', default=['faithful:3'],
                        help='variant:epoch encoders to finetune')
    parser.add_argument('--finetune-config', choices=sorted(FINETUNE_CONFIGS),
                        default='nw_ucla_xview_finetune.py',
                        help='give another one its own --work-dir')
    parser.add_argument('--fractions', type=int, nargs='+', default=[10, 5],
                        help='labelled percentages (5, 10 or 100)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--device', choices=['auto', 'cpu', 'cuda'],
                        default='auto')
    parser.add_argument('--threads', type=int,
                        help='torch CPU threads (default: torch\'s)')
    parser.add_argument('--only', choices=['pretrain', 'classification'],
                        help='one lane (another process runs the other)')
    parser.add_argument('--steps', nargs='+',
                        help='run only these steps (work-dir names, e.g. '
                        'scratch_p10_s1), in this order')
    parser.add_argument('--plan', action='store_true',
                        help='list the steps and their state; run nothing')
    parser.add_argument('--report-only', action='store_true',
                        help='read finished work dirs, train nothing')
    parser.add_argument('--no-report', action='store_true',
                        help='train only (several processes, one report)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={}, metavar='KEY=VALUE',
                        help="added to every run's overrides (e.g. a "
                        'shorter schedule for a dry run)')
    parser.add_argument('--merge', nargs='+', default=[], metavar='JSON',
                        help='earlier reports whose finished classification '
                        'runs this work dir lacks, seed by seed (same seeds, '
                        'subsets and finetuning config)')
    parser.add_argument('--out', help='report JSON (default: '
                        '<work-dir>/nw_ucla_semi.json)')
    parser.add_argument('--plot', help='curve PNG (default: '
                        '<work-dir>/nw_ucla_semi_curve.png)')
    args = parser.parse_args(argv)
    try:
        args.finetune_from = [(v, int(e)) for v, e in
                              (s.split(':') for s in args.finetune_from)]
    except ValueError:
        parser.error('--finetune-from takes variant:epoch, e.g. faithful:3')
    unknown = [v for v, _ in args.finetune_from if v not in VARIANTS]
    if unknown:
        parser.error(f'--finetune-from: unknown variant(s) {unknown}')
    if not args.plan and not osp.exists(args.ann_file):
        parser.error(f'--ann-file {args.ann_file} does not exist; make it '
                     'with python tools/data/nw_ucla/convert_nw_ucla.py '
                     'SOURCE ' + args.ann_file)
    args.out = args.out or osp.join(args.work_dir, 'nw_ucla_semi.json')
    args.plot = args.plot or osp.join(args.work_dir,
                                      'nw_ucla_semi_curve.png')
    return args


def main(argv: Optional[List[str]] = None) -> None:
    """Run (or resume) the protocol and write the report."""
    args = parse_args(argv)
    select_device(args.device)
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    steps = build_plan(args)
    if args.plan:
        for step in steps:
            print(f'{step.name}: {step_state(step)}')
        return
    if not args.report_only:
        run_steps(steps)
    if args.no_report:
        return
    report = build_report(args)
    merge_classification(report, args.merge)
    report.update(threads=args.threads, device=args.device,
                  cpus=os.cpu_count(),
                  command=' '.join(['python -m projects.nw_ucla_semi.run'] +
                                   (sys.argv[1:] if argv is None
                                    else list(argv))))
    atomic_write_text(json.dumps(report, indent=2) + '\n', args.out)
    print(classification_table(report))
    if plot_curve(report, args.plot):
        print(f'wrote {args.plot}')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
