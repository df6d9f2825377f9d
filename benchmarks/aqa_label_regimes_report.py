"""The report of ``bench_aqa_label_regimes.py``: read the finished runs'
last-epoch Spearman ρ, aggregate over seeds and tabulate.

Not a command of its own; ``bench_aqa_label_regimes.py --report-only``
calls it.
"""
import argparse
import json
import os.path as osp
from typing import Dict, Optional

from bench_aqa_label_regimes import (FINETUNE_EPOCHS, PRETRAIN_EPOCHS, ROOT,
                                     SOURCE)
from bench_nw_ucla import read_scalars, read_step
from bench_nw_ucla_semi import mean_std

from aqa_mm.datasets.label_subset import read_subset, subset_key


def final_metrics(work_dir: str) -> Optional[Dict[str, float]]:
    """Test ρ at the last epoch of a finished finetuning / scratch run.

    Args:
        work_dir (str): A ``tools/train.py`` work dir.

    Returns:
        dict | None: ``spearman`` (pooled) and ``fisher_z`` (class
        average, None if not logged) at epoch ``FINETUNE_EPOCHS``; None
        when the run has not finished or did not log it.
    """
    if not osp.exists(osp.join(work_dir, f'epoch_{FINETUNE_EPOCHS}.pth')):
        return None
    rec = read_scalars(work_dir, 'aqa/spearman').get(FINETUNE_EPOCHS)
    if rec is None:
        return None
    return dict(spearman=rec['aqa/spearman'],
                fisher_z=rec.get('aqa/spearman_fisher_z'))


def build_report(args: argparse.Namespace) -> dict:
    """Per regime and model: per-seed and mean ± std ρ, as a JSON dict."""
    with open(args.subsets) as f:
        total = json.load(f)['num_samples']
    models = ['scratch'] + [f'finetune_{v}' for v in args.variants]
    regimes = {}
    for fraction in args.fractions:
        labelled = [total if fraction == 100 else len(read_subset(
            args.subsets, subset_key(fraction / 100, s))) for s in args.seeds]
        cells = {}
        for model in models:
            runs = [osp.join(args.work_dir, f'{model}_p{fraction}_s{s}')
                    for s in args.seeds]
            finals = [final_metrics(r) for r in runs]
            per_seed = {k: [m[k] if m else None for m in finals]
                        for k in ('spearman', 'fisher_z')}
            cells[model] = dict(
                per_seed=per_seed,
                spearman=mean_std(per_seed['spearman']),
                fisher_z=mean_std(per_seed['fisher_z']),
                minutes=[read_step(r)['minutes'] if osp.isdir(r) else None
                         for r in runs])
        regimes[str(fraction)] = dict(labelled=labelled, models=cells)
    pretraining = {v: read_step(osp.join(args.work_dir, f'pretrain_{v}'))[
        'minutes'] for v in args.variants
        if osp.isdir(osp.join(args.work_dir, f'pretrain_{v}'))}
    return dict(dataset=SOURCE, ann_file=osp.relpath(args.ann_file, ROOT),
                num_train=total, seeds=args.seeds,
                fractions=args.fractions, variants=args.variants,
                pretrain_epochs=PRETRAIN_EPOCHS,
                finetune_epochs=FINETUNE_EPOCHS, metric='aqa/spearman at '
                'the last epoch (test split)',
                subsets=osp.relpath(args.subsets, ROOT),
                pretrain_minutes=pretraining, regimes=regimes)


def fmt(cell: Optional[dict]) -> str:
    """``'mean ± std (n)'`` of a ρ cell, or ``'–'``."""
    if cell is None:
        return '–'
    return f'{cell["mean"]:.4f} ± {cell["std"]:.4f} (n={cell["n"]})'


def report_table(report: dict) -> str:
    """Markdown: one row per regime, one column per model, per metric."""
    models = ['scratch'] + [f'finetune_{v}' for v in report['variants']]
    head = ['labels (train samples)', 'scratch'] + [
        f'SME {v} + finetune' for v in report['variants']]
    out = []
    for metric, title in (('spearman', 'Spearman ρ, pooled'),
                          ('fisher_z', 'Spearman ρ, Fisher-z class average')):
        rows = [f'{title} (test split, last of {report["finetune_epochs"]} '
                'epochs, mean ± std over seeds)\n',
                '| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
        for fraction in report['fractions']:
            regime = report['regimes'][str(fraction)]
            counts = sorted(set(regime['labelled']))
            cells = [f'{fraction} % ({"/".join(map(str, counts))} of '
                     f'{report["num_train"]})']
            cells += [fmt(regime['models'][m][metric]) for m in models]
            rows.append('| ' + ' | '.join(cells) + ' |')
        out.append('\n'.join(rows))
    return '\n\n'.join(out) + '\n'
