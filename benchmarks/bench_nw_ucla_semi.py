"""Semi-supervised NW-UCLA: does SME pretraining pay off with few labels?

The protocol of the self-supervised skeleton literature (AimCLR, CrosSCLR,
PSTL), on real NW-UCLA cross-view skeletons::

    python benchmarks/bench_nw_ucla_semi.py --lanes 2 --threads 1

1. ``pretrain_<variant>``: InfoNCE pretraining on all 1,020 view-1+2
   training sequences, labels unused: ``nw_ucla_xview_pretrain.py`` (the
   paper's views, ``faithful``) or one of its one-line options
   (``VARIANTS``). Its schedule is 13 epochs of 5 passes (65 passes);
   ``--pretrain-epochs N`` trains only its first N epochs this time, with
   the LR the whole schedule has there (the schedulers have explicit
   ``begin``/``end``), so a later, larger ``N`` continues the same run.
2. ``scratch_p<pct>_s<seed>`` and ``finetune_<variant>_e<epoch>_p<pct>_s
   <seed>``: the NW-UCLA classification recipe (13 epochs of 5 passes over
   the labelled part) on a class-stratified subset of the training split,
   from random init or from the encoder after ``<epoch>`` pretraining
   epochs (``--finetune-from variant:epoch``). The subsets are fixed by
   (fraction, seed), nested, and written down in
   ``benchmarks/results/nw_ucla_label_subsets.json``
   (``tools/data/make_label_subsets.py``); ``--fractions 100`` uses the
   whole split. The seed is both the subset draw and the training seed.
3. Representation quality of every pretraining checkpoint (seconds each, no
   training run): kNN top-1 (k = 20, cosine, τ-weighted) and a linear probe
   on cached, un-augmented frozen features, with the whole training split
   as reference and with each labelled subset. Features are cached per
   checkpoint in ``features_<variant>_e<epoch>.npz``.

Every step resumes after a kill and is skipped when finished, so the
command can be repeated until done. ``--no-report`` trains only (for
processes sharing a work dir; ``benchmarks/gpu_nw_ucla_semi.py`` runs one
step per process), ``--cfg-options`` go after every training run's own.
The test set is view 3, so results are the last epoch, never the best one.
Results go to ``benchmarks/results/nw_ucla_semi.json``, a markdown table on
stdout and the curve to ``nw_ucla_semi_curve.png``; ``--merge`` adds the
finished runs of earlier reports whose work dirs are elsewhere, seed by
seed, so one cell's seeds may come from different sessions
(``nw_ucla_semi_merge.py``).

CPU budget (2 shared cores, one thread per lane, measured from this bench's
logs on 2026-12-01, with other work on the cores at times): one pretraining
epoch (5 passes) 35-41 min, a 10 % finetuning run 17-22 min, a 5 % one
10-12 min, the representation evaluation 1-2 min per checkpoint. On
2026-12-04: a pretraining epoch 21 min, a 100 % run 100 min (scratch and
finetuning in two lanes); on 2026-12-07 a pretraining epoch 20 min on one
thread beside a 100 % run, a 100 % run 105 min. The README's table: the
command above with ``--variants faithful view_aug_projector
--pretrain-epochs 1 --finetune-from faithful:1 --fractions 10 5``.
"""
import argparse
import json
import os
import os.path as osp
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.dirname(HERE)
for path in (ROOT, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)

from bench_nw_ucla import read_step, run_step  # noqa: E402

from aqa_mm.datasets.label_subset import subset_key  # noqa: E402
from aqa_mm.utils.io import atomic_write_text  # noqa: E402

CONFIGS = osp.join(ROOT, 'configs', 'sme_gcn', 'transfer')
SUBSETS = osp.join(ROOT, 'benchmarks', 'results',
                   'nw_ucla_label_subsets.json')
#: variant -> pretraining config (each option is one line in its config)
VARIANTS = {
    'faithful': 'nw_ucla_xview_pretrain.py',
    'view_aug': 'nw_ucla_xview_pretrain_view_aug.py',
    'projector': 'nw_ucla_xview_pretrain_projector.py',
    'view_aug_projector': 'nw_ucla_xview_pretrain_view_aug_projector.py',
    'moco': 'nw_ucla_xview_pretrain_moco.py',
    'tau0.2': 'nw_ucla_xview_pretrain_tau0.2.py',
}
PASSES_PER_EPOCH = 5
FINETUNE_EPOCHS = 13


def data_options(ann_file: str, fraction: int, seed: int) -> List[str]:
    """``--cfg-options`` of a classification run on a labelled subset.

    Args:
        ann_file (str): NW-UCLA pkl.
        fraction (int): Labelled percentage (100: the whole split).
        seed (int): Subset draw and training seed.

    Returns:
        list[str]: The options.
    """
    opts = ['train_dataloader.dataset.dataset.ann_file=' + ann_file,
            'val_dataloader.dataset.ann_file=' + ann_file,
            'test_dataloader.dataset.ann_file=' + ann_file,
            f'randomness.seed={seed}']
    if fraction < 100:
        opts += ['train_dataloader.dataset.dataset.type=SubsetPoseDataset',
                 '+train_dataloader.dataset.dataset.subset_file=' + SUBSETS,
                 '+train_dataloader.dataset.dataset.subset=' +
                 subset_key(fraction / 100, seed)]
    return opts


def pretrain_plan(variant: str, args: argparse.Namespace) -> dict:
    """The pretraining step of a variant, cut at ``--pretrain-epochs``."""
    return dict(config=VARIANTS[variant], epochs=args.pretrain_epochs,
                options=['train_dataloader.dataset.dataset.ann_file=' +
                         args.ann_file,
                         f'train_cfg.max_epochs={args.pretrain_epochs}',
                         'default_hooks.checkpoint.max_keep_ckpts=-1'])


def classification_plans(args: argparse.Namespace) -> Dict[str, dict]:
    """Scratch and finetuning steps, keyed by work-dir name."""
    plans = {}
    for fraction in args.fractions:
        for seed in args.seeds:
            opts = data_options(args.ann_file, fraction, seed)
            plans[f'scratch_p{fraction}_s{seed}'] = dict(
                config='nw_ucla_xview_scratch.py', epochs=FINETUNE_EPOCHS,
                options=opts)
            for variant, epoch in args.finetune_from:
                ckpt = osp.join(args.work_dir, f'pretrain_{variant}',
                                f'epoch_{epoch}.pth')
                plans[f'finetune_{variant}_e{epoch}_p{fraction}_s{seed}'] = \
                    dict(config=args.finetune_config,
                         epochs=FINETUNE_EPOCHS, needs=ckpt,
                         options=opts + [
                             'model.backbone.init_cfg.checkpoint=' + ckpt])
    return plans


def wait_for(path: str, pretraining, poll_s: float = 30.) -> bool:
    """Wait until ``path`` exists or the pretraining lane has stopped."""
    while not osp.exists(path):
        if pretraining is None or pretraining.done():
            return osp.exists(path)
        time.sleep(poll_s)
    return True


def run_lanes(pre: list, runs: list, args: argparse.Namespace,
              second_lane: str, run: Callable) -> None:
    """Run pretraining steps in one lane and the runs that may need their
    encoders in another (shared by this bench and bench_aqa_label_regimes).

    Args:
        pre (list): ``(name, plan)`` pretraining steps.
        runs (list): ``(name, plan)`` steps; a plan with ``needs`` waits for
            that file while the pretraining lane runs, else is skipped.
        args (argparse.Namespace): ``steps`` (names, in order), ``only``
            (``'pretrain'`` or ``second_lane``) and ``lanes``.
        second_lane (str): The ``--only`` value that keeps ``runs`` only.
        run (Callable): ``run(name, plan, args)``, e.g. ``run_step``.
    """
    # scratch first: it needs nothing, so it overlaps the pretraining
    runs = sorted(runs, key=lambda item: 'needs' in item[1])
    if args.steps:
        known = dict(pre + runs)
        unknown = [s for s in args.steps if s not in known]
        if unknown:
            raise SystemExit(f'--steps: unknown {unknown}; the plan has '
                             f'{sorted(known)}')
        pre = [(s, known[s]) for s in args.steps if s.startswith('pre')]
        runs = [(s, known[s]) for s in args.steps if not s.startswith('pre')]

    def run_lane(steps, pretraining=None) -> None:
        for name, plan in steps:
            if 'needs' in plan and not wait_for(plan['needs'], pretraining):
                print(f'[{name}] skipped: {plan["needs"]} does not exist',
                      flush=True)
                continue
            run(name, plan, args)

    if args.only == 'pretrain':
        runs = []
    elif args.only == second_lane:
        pre = []
    if args.lanes == 1 or not (pre and runs):
        run_lane(pre + runs)
        return
    with ThreadPoolExecutor(2) as pool:
        pretraining = pool.submit(run_lane, pre)
        second = pool.submit(run_lane, runs, pretraining)
        for future in (pretraining, second):
            future.result()     # re-raises a failed step's error


def run_all(args: argparse.Namespace, extra_options: Sequence[str] = ()
            ) -> None:
    """Pretraining in one lane, classification runs in the other;
    ``extra_options`` go after every step's own ``--cfg-options``."""
    pre = [(f'pretrain_{v}', pretrain_plan(v, args)) for v in args.variants]
    cls = list(classification_plans(args).items())

    def run(name, plan, args):
        run_step(name, dict(plan, options=plan['options'] +
                            list(extra_options)), args)
    run_lanes(pre, cls, args, 'classification', run)


def final_top1(work_dir: str) -> Optional[float]:
    """Test top-1 (%) at the last finished epoch of a classification run."""
    if not osp.exists(osp.join(work_dir, f'epoch_{FINETUNE_EPOCHS}.pth')):
        return None
    top1 = read_step(work_dir)['top1']
    return top1.get(FINETUNE_EPOCHS)


def mean_std(values: List[float]) -> Optional[dict]:
    """``dict(mean, std, n)`` (sample std, 0 for one value) or None."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    std = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
    return dict(mean=float(np.mean(values)), std=std, n=len(values))


def fmt(cell: Optional[dict]) -> str:
    """``'mean ± std (n)'`` of a :func:`mean_std` cell, or ``'–'``."""
    if cell is None:
        return '–'
    return f'{cell["mean"]:.2f} ± {cell["std"]:.2f} (n={cell["n"]})'


def main(argv: Optional[List[str]] = None) -> None:
    """Run (or resume) the protocol and write the report."""
    from nw_ucla_semi_merge import merge_classification
    from nw_ucla_semi_report import build_report, plot_curve, report_table
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ann-file', default='data/nw_ucla/nw_ucla_xview.pkl',
                        help='pkl from tools/data/nw_ucla/convert_nw_ucla.py')
    parser.add_argument('--work-dir', default='work_dirs/nw_ucla_semi')
    parser.add_argument('--variants', nargs='+', choices=sorted(VARIANTS),
                        default=['faithful'])
    parser.add_argument('--pretrain-epochs', type=int, default=3,
                        help='train each variant to this epoch of its 13 '
                        '(x5 passes); rerun with more to continue')
    parser.add_argument('--finetune-from', nargs='*', default=['faithful:3'],
                        help='variant:epoch encoders to finetune')
    parser.add_argument('--finetune-config',
                        default='nw_ucla_xview_finetune.py',
                        help='finetuning config in configs/sme_gcn/transfer '
                        '(e.g. nw_ucla_xview_finetune_backbone_lr0.1.py; '
                        'give it its own --work-dir)')
    parser.add_argument('--fractions', type=int, nargs='+', default=[10, 5],
                        help='labelled percentages (5, 10 or 100)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--threads', type=int, default=1,
                        help='torch threads per training process')
    parser.add_argument('--lanes', type=int, choices=[1, 2], default=2)
    parser.add_argument('--only', choices=['pretrain', 'classification'],
                        help='run one lane only (e.g. while another process '
                        'runs the other); finetuning steps whose encoder '
                        'does not exist yet are skipped')
    parser.add_argument('--steps', nargs='+',
                        help='run only these steps (work-dir names, e.g. '
                        'scratch_p10_s1), in this order')
    parser.add_argument('--report-only', action='store_true',
                        help='read finished work dirs, train nothing')
    parser.add_argument('--no-report', action='store_true',
                        help='train only (when several processes share the '
                        'work dir, one --report-only run reports)')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        metavar='KEY=VALUE', help='appended to every '
                        "training run's --cfg-options (e.g. a shorter "
                        'schedule for a dry run)')
    parser.add_argument('--merge', nargs='+', default=[], metavar='JSON',
                        help="earlier reports whose finished scratch / "
                        "finetuning runs this work dir lacks, seed by seed "
                        "(same seeds, subsets and finetuning config)")
    parser.add_argument('--out', default=osp.join(
        ROOT, 'benchmarks', 'results', 'nw_ucla_semi.json'))
    parser.add_argument('--plot', default=osp.join(
        ROOT, 'docs', 'images', 'nw_ucla_semi_curve.png'))
    args = parser.parse_args(argv)
    args.ann_file = osp.abspath(args.ann_file)
    args.work_dir = osp.abspath(args.work_dir)
    try:
        args.finetune_from = [(v, int(e)) for v, e in
                              (s.split(':') for s in args.finetune_from)]
    except ValueError:
        parser.error('--finetune-from takes variant:epoch, e.g. faithful:3')
    if not osp.exists(args.ann_file):
        parser.error(f'--ann-file {args.ann_file} does not exist; make it '
                     'with python tools/data/nw_ucla/convert_nw_ucla.py '
                     'SOURCE ' + args.ann_file)
    if not args.report_only:
        run_all(args, args.cfg_options)
    if args.no_report:
        return
    report = build_report(args)
    merge_classification(report, args.merge)
    report.update(threads=args.threads, lanes=args.lanes,
                  machine=platform.machine(), cpus=os.cpu_count())
    atomic_write_text(json.dumps(report, indent=2) + '\n', args.out)
    print(report_table(report))
    if plot_curve(report, args.plot):
        print(f'wrote {args.plot}')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
