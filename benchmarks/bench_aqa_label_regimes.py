"""AQA label regimes: does SME pretraining pay off with few scored samples?

Issue 16 §3 on the built-in SYNTHETIC set (225 training, 75 test
sequences; a check of the pipeline, not a benchmark)::

    python benchmarks/bench_aqa_label_regimes.py --lanes 2 --threads 1

1. ``pretrain_<variant>``: InfoNCE pretraining on the whole training split,
   scores unused, 15 epochs: ``pretrain_synthetic.py`` (the paper's views,
   ``faithful``), ``pretrain_synthetic_view_aug_projector.py`` (per-view
   2-D RandomSkeletonAffine + MLP projector) or
   ``pretrain_synthetic_moco.py`` (MoCo negatives: momentum key encoder,
   queue, projector; the NW-UCLA option with the best frozen features).
   One pretraining run (seed 0) per variant.
2. ``scratch_p<pct>_s<seed>`` and ``finetune_<variant>_p<pct>_s<seed>``:
   ``scratch_synthetic.py`` / ``finetune_synthetic.py`` (30 epochs) on a
   class-stratified labelled subset of the training split, from random
   init or from the variant's ``epoch_15.pth``. The 5 % and 10 % subsets
   are fixed by (fraction, seed), nested, and written down in
   ``benchmarks/results/aqa_label_subsets.json`` (2 resp. 4 of the 45
   training samples of each of the 5 classes: 10 and 20 samples); 100 % is
   the whole split. The seed is both the subset draw and the training seed.

The generator is deterministic (``stratified_split`` and the sample ids
depend only on its seed, samples per class and test ratio), so the
committed subsets fit every default ``generate_synthetic.py`` output; the
bench checks the file against a fresh draw on ``--ann-file`` and stops if
they differ (then pass ``--subsets NEW.json``; a missing file is written).

Every step resumes after a kill and is skipped when finished. The
validation split is the test split, so the result is the last epoch's
Spearman ρ (``aqa/spearman``, pooled; the Fisher-z class average too),
never the best epoch. Mean ± sample std over seeds per regime go to
``benchmarks/results/aqa_label_regimes.json`` and a markdown table (stdout
and ``aqa_label_regimes.md``; ``aqa_label_regimes_report.py``).

CPU budget, MEASURED here (2 shared cores, one thread per run, two to
four processes at once; ``--variants faithful moco``): a pretraining run
3.7-5.7 min, a 5 % or 10 % run under 1 min, a 100 % run 4.0-6.5 min. All
three fractions x 3 seeds x (scratch + 2 variants) took 64 min of one-lane
compute (the sum of the runs' minutes in aqa_label_regimes.json).
"""
import argparse
import json
import os
import os.path as osp
import pickle
import platform
import sys
from typing import Dict, List, Optional

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.dirname(HERE)
for path in (ROOT, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)

from bench_nw_ucla import run_step  # noqa: E402
from bench_nw_ucla_semi import run_lanes  # noqa: E402

from aqa_mm.datasets.label_subset import (read_subset, split_samples,  # noqa
                                          stratified_subset, subset_key,
                                          write_subsets)
from aqa_mm.utils.io import atomic_write_text  # noqa: E402

CONFIGS = osp.join(ROOT, 'configs', 'sme_gcn')
SUBSETS = osp.join(ROOT, 'benchmarks', 'results', 'aqa_label_subsets.json')
#: variant -> pretraining config (the options are one model line)
VARIANTS = {
    'faithful': 'pretrain_synthetic.py',
    'view_aug_projector': 'pretrain_synthetic_view_aug_projector.py',
    'moco': 'pretrain_synthetic_moco.py',
}
PRETRAIN_EPOCHS = 15    # pretrain_synthetic.py's schedule
FINETUNE_EPOCHS = 30    # finetune_synthetic.py's (validation every 5)
SOURCE = ('built-in SYNTHETIC set, split train (generate_synthetic.py '
          'defaults: seed 0, 60 per class, test ratio 0.25)')


def _config(name: str) -> str:
    # absolute: run_step joins it to its own folder, which os.path.join
    # then drops
    return osp.join(CONFIGS, name)


def data_options(args: argparse.Namespace, fraction: int,
                 seed: int) -> List[str]:
    """``--cfg-options`` of a finetuning / scratch run in one regime.

    Args:
        args (argparse.Namespace): ``ann_file`` and ``subsets`` paths.
        fraction (int): Labelled percentage (100: the whole split).
        seed (int): Subset draw and training seed.

    Returns:
        list[str]: The options.
    """
    opts = ['train_dataloader.dataset.ann_file=' + args.ann_file,
            'val_dataloader.dataset.ann_file=' + args.ann_file,
            'test_dataloader.dataset.ann_file=' + args.ann_file,
            f'randomness.seed={seed}']
    if fraction < 100:
        opts += ['train_dataloader.dataset.label_subset_file=' +
                 args.subsets, 'train_dataloader.dataset.label_subset=' +
                 subset_key(fraction / 100, seed)]
    return opts


def pretrain_plan(variant: str, args: argparse.Namespace) -> dict:
    """The pretraining step of a variant (its whole 15-epoch schedule)."""
    return dict(config=_config(VARIANTS[variant]), epochs=PRETRAIN_EPOCHS,
                options=['train_dataloader.dataset.ann_file=' +
                         args.ann_file])


def regime_plans(args: argparse.Namespace) -> Dict[str, dict]:
    """Scratch and finetuning steps of every (fraction, seed), by name."""
    plans = {}
    for fraction in args.fractions:
        for seed in args.seeds:
            opts = data_options(args, fraction, seed)
            plans[f'scratch_p{fraction}_s{seed}'] = dict(
                config=_config('scratch_synthetic.py'),
                epochs=FINETUNE_EPOCHS, options=opts)
            for variant in args.variants:
                ckpt = osp.join(args.work_dir, f'pretrain_{variant}',
                                f'epoch_{PRETRAIN_EPOCHS}.pth')
                plans[f'finetune_{variant}_p{fraction}_s{seed}'] = dict(
                    config=_config('finetune_synthetic.py'),
                    epochs=FINETUNE_EPOCHS, needs=ckpt, options=opts + [
                        'model.backbone.init_cfg.checkpoint=' + ckpt])
    return plans


def ensure_subsets(args: argparse.Namespace) -> None:
    """Write ``args.subsets`` from the training split, or check it.

    Raises:
        SystemExit: When the file lacks a subset or differs from a fresh
            draw on ``args.ann_file`` (names both files and the subset).
    """
    with open(args.ann_file, 'rb') as f:
        samples = split_samples(pickle.load(f), 'train', 'class_id')
    fractions = [f / 100 for f in args.fractions if f < 100]
    if not fractions:
        return
    if not osp.exists(args.subsets):
        write_subsets(samples, fractions, args.seeds, args.subsets,
                      source=osp.relpath(args.ann_file, ROOT) + ':train')
        print(f'wrote {args.subsets}', flush=True)
        return
    for fraction in fractions:
        for seed in args.seeds:
            key = subset_key(fraction, seed)
            try:
                kept = read_subset(args.subsets, key)
            except KeyError as exc:
                raise SystemExit(f'{exc.args[0]}; pass --subsets NEW.json '
                                 '(written from --ann-file)') from exc
            if kept != stratified_subset(samples, fraction, seed):
                raise SystemExit(
                    f'{args.subsets} subset {key!r} is not the draw on '
                    f'{args.ann_file} (not the default built-in set?); pass '
                    '--subsets NEW.json (written from --ann-file)')


def run_all(args: argparse.Namespace) -> None:
    """Pretraining in one lane, the regimes' runs in the other."""
    pre = [(f'pretrain_{v}', pretrain_plan(v, args)) for v in args.variants]
    run_lanes(pre, list(regime_plans(args).items()), args, 'regimes',
              lambda name, plan, a: run_step(name, plan, a))


def main(argv: Optional[List[str]] = None) -> None:
    """Run (or resume) the regimes and write the report."""
    from aqa_label_regimes_report import build_report, report_table
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
                        help='torch threads per training process')
    parser.add_argument('--lanes', type=int, choices=[1, 2], default=2)
    parser.add_argument('--only', choices=['pretrain', 'regimes'],
                        help='run one lane only; finetuning steps whose '
                        'encoder does not exist yet are skipped')
    parser.add_argument('--steps', nargs='+', help='run only these steps '
                        '(work-dir names, e.g. scratch_p10_s1), in order')
    parser.add_argument('--report-only', action='store_true',
                        help='read finished work dirs, train nothing')
    parser.add_argument('--out', default=osp.join(
        ROOT, 'benchmarks', 'results', 'aqa_label_regimes.json'))
    args = parser.parse_args(argv)
    for key in ('ann_file', 'work_dir', 'subsets', 'out'):
        setattr(args, key, osp.abspath(getattr(args, key)))
    if not args.report_only:
        if not osp.exists(args.ann_file):
            parser.error(f'--ann-file {args.ann_file} does not exist; make '
                         'it with python tools/data/synthetic/'
                         'generate_synthetic.py --out-dir data/synthetic '
                         '(or bash tools/quickstart.sh)')
        ensure_subsets(args)
        run_all(args)
    report = build_report(args)
    report.update(threads=args.threads, lanes=args.lanes,
                  machine=platform.machine(), cpus=os.cpu_count())
    atomic_write_text(json.dumps(report, indent=2) + '\n', args.out)
    table = report_table(report)
    atomic_write_text(table, osp.splitext(args.out)[0] + '.md')
    print(table)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
