"""The report of the semi-supervised NW-UCLA study, read from its work dir:
the test top-1 of every classification run and a curve per pretraining
variant (InfoNCE and frozen-feature top-1 at every checkpoint)."""
import argparse
import glob
import os.path as osp
import re
from typing import Dict, List, Optional

import numpy as np

from aqa_mm.engine.launcher import read_launch_result
from aqa_mm.evaluation.functional import mean_std_cell
from aqa_mm.evaluation.results import read_scalars
from .features import checkpoint_features, frozen_eval
from .plan import FINETUNE_EPOCHS, PASSES_PER_EPOCH, SUBSETS, VARIANTS


def final_top1(work_dir: str) -> Optional[float]:
    """Test top-1 (%) of a finished classification run (its last epoch's
    checkpoint), or None when it has not finished."""
    done = read_launch_result(work_dir)
    top1 = (done or {}).get('metrics', {}).get('acc/top1')
    return None if top1 is None else 100 * top1


def cell(per_seed: List[Optional[float]]) -> dict:
    """A classification cell: ``per_seed`` (None for a missing run) and
    ``mean``, ``std``, ``n`` over the measured seeds (none when no seed
    was measured)."""
    measured = [v for v in per_seed if v is not None]
    return dict(per_seed=per_seed, **(mean_std_cell(measured) or {}))


def classification(args: argparse.Namespace) -> Dict[str, dict]:
    """Per labelled fraction: scratch and every finetuned encoder.

    Args:
        args (argparse.Namespace): ``work_dir``, ``fractions``, ``seeds``,
            ``finetune_from``.

    Returns:
        dict: ``'<pct>'`` -> ``{'scratch' | 'finetune_<v>_e<epoch>': cell}``.
    """
    out = {}
    for fraction in args.fractions:
        rows = {'scratch': [final_top1(osp.join(
            args.work_dir, f'scratch_p{fraction}_s{s}')) for s in args.seeds]}
        for variant, epoch in args.finetune_from:
            rows[f'finetune_{variant}_e{epoch}'] = [final_top1(osp.join(
                args.work_dir, f'finetune_{variant}_e{epoch}_p{fraction}_s{s}'
            )) for s in args.seeds]
        out[str(fraction)] = {k: cell(v) for k, v in rows.items()}
    return out


def epoch_losses(work_dir: str) -> Dict[int, float]:
    """Mean logged InfoNCE loss per (1-based) pretraining epoch.

    Args:
        work_dir (str): A pretraining work dir.

    Returns:
        dict[int, float]: epoch -> mean of its logged ``loss`` values.
    """
    losses: Dict[int, List[float]] = {}
    for record in read_scalars(work_dir, 'loss').values():
        if 'epoch' in record:
            losses.setdefault(int(record['epoch']), []).append(
                record['loss'])
    return {e: float(np.mean(v)) for e, v in sorted(losses.items())}


def pretrain_curves(args: argparse.Namespace) -> Dict[str, list]:
    """Per variant with checkpoints: one point per checkpoint, after one
    for the random init (``epoch`` 0).

    Args:
        args (argparse.Namespace): ``work_dir``, ``ann_file``, ``device``,
            ``fractions``, ``seeds``.

    Returns:
        dict: variant -> ``[dict(epoch, passes, infonce, frozen)]``.
    """
    curves = {}
    for variant in VARIANTS:
        work_dir = osp.join(args.work_dir, f'pretrain_{variant}')
        epochs = sorted(int(re.findall(r'epoch_(\d+)\.pth', p)[0]) for p in
                        glob.glob(osp.join(work_dir, 'epoch_*.pth')))
        if not epochs:
            continue
        losses = epoch_losses(work_dir)
        points = []
        for epoch in [0] + epochs:
            feats = checkpoint_features(variant, epoch, args)
            points.append(dict(
                epoch=epoch, passes=epoch * PASSES_PER_EPOCH,
                infonce=losses.get(epoch),
                frozen=frozen_eval(feats, args.fractions, args.seeds)))
            whole = points[-1]['frozen']['100']
            print(f'[{variant}] {epoch * PASSES_PER_EPOCH} passes: kNN '
                  f'{whole["knn"]["mean"]:.2f} %, probe '
                  f'{whole["probe"]["mean"]:.2f} % (100 % labels)',
                  flush=True)
        curves[variant] = points
    return curves


def build_report(args: argparse.Namespace) -> dict:
    """Everything the study measured in ``args.work_dir``, as one JSON-able
    dict (the format of ``results/*.json``)."""
    return dict(seeds=args.seeds, fractions=args.fractions,
                finetune_epochs=FINETUNE_EPOCHS,
                finetune_config=args.finetune_config,
                finetune_from=[f'{v}:{e}' for v, e in args.finetune_from],
                subsets=SUBSETS, classification=classification(args),
                curves=pretrain_curves(args))
