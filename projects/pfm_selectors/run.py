"""PFM selector variants: soft fusion, cross-fitted preference labels and a
safe fallback, against the paper's PFM and its baselines.

From the repository root, after the quick start (``bash
tools/quickstart.sh``) has cached the features of
``configs/2maf/2maf_synthetic.py`` and their cross-fitted preference labels
in ``work_dirs/quickstart/2maf/features``::

    python -m projects.pfm_selectors.run --seeds 0 1 2

Trains and tests every head of ``variants.py`` on that cache, for each
seed, through ``aqa_mm.engine.launcher.launch`` (resumable: a finished run
is skipped, a killed one resumes). Selection: the last epoch, except the
safe fallback, whose config validates on a class-stratified fold carved
out of the training split (the fallback decides there) and is tested at
its best validation checkpoint; the test split is used once per run.
Mean ± sample std over seeds go to ``--out`` (entries of heads not run
this time are kept) and the table is printed.

CPU budget: the heads train on cached features, seconds to a minute per
run on one thread (30 runs for the default plan); the quick start that
makes the cache takes about 45 minutes on 2 cores.
"""
import argparse
import json
import os
import os.path as osp
import platform
import sys
from typing import List, Optional

import torch

from aqa_mm.engine.launcher import launch, read_launch_result, select_device
from aqa_mm.utils.io import atomic_write_text
from .report import DEFAULT_RESULTS, METRICS, table, variant_entry
from .variants import PREFERENCES, VARIANTS, plan_runs, rel


def build_report(args: argparse.Namespace, old: Optional[dict]) -> dict:
    """The results JSON from the finished runs under ``args.work_dir``.

    Args:
        args (argparse.Namespace): ``variants``, ``seeds`` and the
            arguments of :func:`variants.run_for`.
        old (dict | None): The JSON ``--out`` held; its entries of heads
            not in ``args.variants`` are kept.

    Returns:
        dict: ``variants`` -> :func:`report.variant_entry`, and what the
        runs were made of.
    """
    per_seed = {name: {k: [] for k, _ in METRICS} for name in args.variants}
    selection = {}
    for name, _, run in plan_runs(args):
        done = read_launch_result(run.work_dir) or dict(metrics={})
        for key, metric in METRICS:
            per_seed[name][key].append(done['metrics'].get(metric))
        selection[name] = run.select
    entries = dict((old or {}).get('variants', {}))
    for name, (config, label, paper) in VARIANTS.items():
        if name in per_seed:
            entries[name] = dict(variant_entry(config, label, paper,
                                               per_seed[name]),
                                 select=selection[name])
    order = [n for n in VARIANTS if n in entries]
    return dict(dataset='built-in synthetic set, test split (75 samples)',
                ann_file=rel(args.ann_file), features=rel(args.features),
                seeds=args.seeds, metric='aqa/spearman (pooled) and '
                'aqa/spearman_fisher_z of the tested checkpoint',
                variants={n: entries[n] for n in order})


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--ann-file',
                        default='data/synthetic/synthetic_aqa.pkl')
    parser.add_argument('--features',
                        default='work_dirs/quickstart/2maf/features',
                        help='feature cache of configs/2maf/2maf_synthetic.py'
                        f' (tools/cache_features.py) with {PREFERENCES} '
                        '(tools/crossfit_preferences.py)')
    parser.add_argument('--variants', nargs='+', choices=list(VARIANTS),
                        default=list(VARIANTS))
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--threads', type=int, default=1,
                        help='torch threads of this process')
    parser.add_argument('--device', choices=('auto', 'cpu', 'cuda'),
                        default='auto', help='auto: a GPU when there is one')
    parser.add_argument('--work-dir', default='work_dirs/pfm_selectors')
    parser.add_argument('--out', default=DEFAULT_RESULTS)
    args = parser.parse_args(argv)
    for key in ('ann_file', 'features', 'work_dir', 'out'):
        setattr(args, key, osp.abspath(getattr(args, key)))
    for path in (args.ann_file, osp.join(args.features, PREFERENCES)):
        if not osp.exists(path):
            parser.error(f'{path} does not exist; run bash '
                         'tools/quickstart.sh first (or pass --ann-file / '
                         '--features)')
    return args


def main(argv: Optional[List[str]] = None) -> None:
    """Run (or resume) every head x seed, write the results JSON."""
    args = parse_args(argv)
    select_device(args.device)
    torch.set_num_threads(args.threads)
    old = None
    if osp.exists(args.out):
        with open(args.out, encoding='utf-8') as f:
            old = json.load(f)
    words = sys.argv[1:] if argv is None else list(argv)
    meta = dict(command=' '.join(['python -m projects.pfm_selectors.run'] + [
        rel(w) if osp.isabs(w) else w for w in words]),
        threads=args.threads, device=args.device,
        machine=platform.machine(), cpus=os.cpu_count())
    for name, seed, run in plan_runs(args):
        metrics = launch(run)
        print(f'[{name} seed {seed}] aqa/spearman '
              f"{metrics.get('aqa/spearman', float('nan')):.4f}", flush=True)
        report = dict(build_report(args, old), **meta)
        atomic_write_text(json.dumps(report, indent=1) + '\n', args.out)
    print(table(report))
    print(f'results: {rel(args.out)}')


if __name__ == '__main__':
    main()
