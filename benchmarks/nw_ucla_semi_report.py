"""The report of ``bench_nw_ucla_semi.py``: read the finished runs, evaluate
the pretraining checkpoints on frozen features, tabulate and plot.

Not a command of its own; ``bench_nw_ucla_semi.py --report-only`` calls it.
"""
import glob
import itertools
import json
import os.path as osp
import re
from typing import Dict, List, Optional, Tuple

import numpy as np

from bench_nw_ucla_semi import (CONFIGS, FINETUNE_EPOCHS, PASSES_PER_EPOCH,
                                SUBSETS, VARIANTS, final_top1, fmt, mean_std)
from aqa_mm.utils.io import atomic_open  # noqa: E402

#: a classification cell of a finetuned encoder: finetune_<variant>_e<epoch>
FINETUNE_CELL = re.compile(r'finetune_(.+)_e(\d+)')
#: classification results of benchmarks/bench_nw_ucla.py (whole split, one
#: seed, 5-pass CPU pretraining), shown as the 100 % row until this bench
#: has its own 100 % runs
PREVIOUS_100 = osp.join(osp.dirname(osp.abspath(__file__)), 'results',
                        'nw_ucla.json')


def _loader(cfg, split: str):
    """A test-pipeline NW-UCLA dataloader over ``split``, in file order."""
    from mmengine.runner import Runner
    dataset = dict(type='PoseDataset', ann_file=cfg.ann_file, split=split,
                   pipeline=cfg.test_pipeline, test_mode=True)
    return Runner.build_dataloader(dict(
        batch_size=64, num_workers=0, dataset=dataset,
        sampler=dict(type='DefaultSampler', shuffle=False)))


def checkpoint_features(variant: str, epoch: int, args) -> Dict[str, object]:
    """Frozen encoder features of the training and test views, cached.

    ``epoch`` 0 is the randomly initialised encoder (seed 0), the control
    every pretrained checkpoint must beat.

    Args:
        variant (str): Key of ``VARIANTS``.
        epoch (int): Pretraining epoch (checkpoint ``epoch_<epoch>.pth``).
        args (argparse.Namespace): The bench's arguments.

    Returns:
        dict: ``train`` (N, C), ``train_labels`` (N,), ``train_names``
        (N,), ``test`` (M, C), ``test_labels`` (M,) arrays.
    """
    cache = osp.join(args.work_dir, f'features_{variant}_e{epoch}.npz')
    if osp.exists(cache):
        with np.load(cache) as data:
            return dict(data)
    import torch
    from mmengine.config import Config
    from mmengine.runner import load_checkpoint
    from mmaction.utils import register_all_modules

    from aqa_mm.evaluation.representation_eval import extract_features
    from aqa_mm.registry import MODELS
    register_all_modules()
    cfg = Config.fromfile(osp.join(CONFIGS, VARIANTS[variant]))
    cfg.ann_file = args.ann_file
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    if epoch > 0:
        load_checkpoint(model, osp.join(args.work_dir, f'pretrain_{variant}',
                                        f'epoch_{epoch}.pth'),
                        map_location='cpu', logger='silent')
    # extract_features runs where the encoder is (the GPU when there is one)
    model.to('cuda' if torch.cuda.is_available() else 'cpu')
    torch.set_num_threads(args.threads)
    out = {}
    for split, key in (('xview_train', 'train'), ('xview_val', 'test')):
        loader = _loader(cfg, split)
        feats, labels = extract_features(model.encoder, loader)
        out[key], out[f'{key}_labels'] = feats, labels
        if key == 'train':
            out['train_names'] = np.array([
                loader.dataset.get_data_info(i)['frame_dir']
                for i in range(len(loader.dataset))])
    tmp = cache[:-len('.npz')] + '.tmp.npz'
    np.savez(tmp, **out)
    import os
    os.replace(tmp, cache)
    return out


def frozen_eval(feats: Dict[str, object], fractions: List[int],
                seeds: List[int]) -> Dict[str, dict]:
    """kNN and linear-probe top-1 with every labelled subset as reference.

    Args:
        feats (dict): From :func:`checkpoint_features`.
        fractions (list[int]): Labelled percentages; 100 is always added.
        seeds (list[int]): Subset seeds.

    Returns:
        dict: ``'<pct>'`` → ``dict(knn=cell, probe=cell)``, cells from
        :func:`mean_std` over seeds (100 %: one value).
    """
    from aqa_mm.datasets.label_subset import read_subset, subset_key
    from aqa_mm.evaluation.representation_eval import (knn_top1,
                                                       linear_probe_top1)
    names = list(feats['train_names'])
    out = {}
    for fraction in sorted(set(fractions) | {100}):
        knn, probe = [], []
        for seed in (seeds if fraction < 100 else [0]):
            if fraction < 100:
                keep = set(read_subset(SUBSETS, subset_key(fraction / 100,
                                                           seed)))
                rows = np.array([n in keep for n in names])
            else:
                rows = np.ones(len(names), bool)
            train = (feats['train'][rows], feats['train_labels'][rows],
                     feats['test'], feats['test_labels'])
            knn.append(knn_top1(*train))
            probe.append(linear_probe_top1(*train, seed=seed))
        out[str(fraction)] = dict(knn=mean_std(knn), probe=mean_std(probe))
    return out


def epoch_losses(work_dir: str) -> Dict[int, float]:
    """Mean logged InfoNCE loss per (1-based) pretraining epoch."""
    losses: Dict[int, List[float]] = {}
    for scalars in sorted(glob.glob(osp.join(work_dir, '2*', 'vis_data',
                                             'scalars.json'))):
        with open(scalars) as f:
            for line in f:
                rec = json.loads(line)
                if 'loss' in rec and 'epoch' in rec:
                    losses.setdefault(int(rec['epoch']), []).append(
                        rec['loss'])
    return {e: float(np.mean(v)) for e, v in sorted(losses.items())}


def pretrain_curves(args) -> Dict[str, list]:
    """Per variant: one point per checkpoint (and the random init)."""
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
            print(f'[{variant}] {epoch * PASSES_PER_EPOCH} passes: kNN '
                  f'{points[-1]["frozen"]["100"]["knn"]["mean"]:.2f} %, '
                  f'probe {points[-1]["frozen"]["100"]["probe"]["mean"]:.2f}'
                  ' % (100 % labels)', flush=True)
        curves[variant] = points
    return curves


def classification(args) -> Dict[str, dict]:
    """Per labelled fraction: scratch and every finetuned encoder."""
    out = {}
    for fraction in args.fractions:
        rows = {'scratch': [final_top1(osp.join(
            args.work_dir, f'scratch_p{fraction}_s{s}')) for s in args.seeds]}
        for variant, epoch in args.finetune_from:
            rows[f'finetune_{variant}_e{epoch}'] = [final_top1(osp.join(
                args.work_dir, f'finetune_{variant}_e{epoch}_p{fraction}_s{s}'
            )) for s in args.seeds]
        out[str(fraction)] = {k: dict(per_seed=v, **(mean_std(v) or {}))
                              for k, v in rows.items()}
    return out


def build_report(args) -> dict:
    """Everything the bench measured, as one JSON-able dict."""
    return dict(seeds=args.seeds, fractions=args.fractions,
                finetune_epochs=FINETUNE_EPOCHS,
                finetune_config=args.finetune_config,
                finetune_from=[f'{v}:{e}' for v, e in args.finetune_from],
                subsets=osp.relpath(SUBSETS, osp.dirname(CONFIGS)),
                classification=classification(args),
                curves=pretrain_curves(args))


def _cell(row: dict) -> Optional[dict]:
    return row if row.get('n') else None


def _frozen_columns(report: dict) -> List[Tuple[str, dict]]:
    """(label, curve point): the random init once, then every checkpoint."""
    cols = []
    for variant, points in report['curves'].items():
        for point in points:
            if point['epoch'] == 0 and not cols:
                cols.append(('random init', point))
            elif point['epoch'] > 0:
                cols.append((f'{variant} {point["passes"]}p', point))
    return cols


def report_table(report: dict) -> str:
    """Markdown: labelled fraction × scratch / finetuned / kNN / probe."""
    finetuned = report['finetune_from']
    frozen = _frozen_columns(report)
    head = ['labels', 'scratch'] + [f'SME {f} + finetune' for f in finetuned]
    head += [f'kNN, {name}' for name, _ in frozen]
    head += [f'probe, {name}' for name, _ in frozen]
    rows = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for fraction in [f for f in report['fractions'] if f < 100] + [100]:
        cls = report['classification'].get(str(fraction), {})
        cells = [f'{fraction} %', fmt(_cell(cls.get('scratch', {})))]
        cells += [fmt(_cell(cls.get(f'finetune_{f.replace(":", "_e")}', {})))
                  for f in finetuned]
        for kind in ('knn', 'probe'):
            cells += [fmt(point['frozen'][str(fraction)][kind])
                      for _, point in frozen]
        rows.append('| ' + ' | '.join(cells) + ' |')
    scratch, finetune = previous_full_split()
    if scratch is not None and '100' not in report['classification']:
        rows.append(f'\n100 % classification, from bench_nw_ucla.py (one '
                    f'seed, 5-pass pretraining): scratch {scratch:.2f}, SME '
                    f'+ finetune {finetune:.2f}')
    return '\n'.join(rows)


def _plot_finetuned(ax, report: dict, fraction: str) -> None:
    """Scratch (a line: the encoder trained from random init on the
    labelled subset) and finetuned top-1 (one line per pretraining variant
    through its encoders' pretraining passes), mean ± std over seeds, for
    one labelled fraction."""
    cls = report['classification'].get(fraction, {})
    scratch = cls.get('scratch', {})
    if scratch.get('n'):
        ax.axhline(scratch['mean'], color='gray', ls=':',
                   label=f'scratch (n={scratch["n"]})')
    points = {}
    for key, row in cls.items():
        match = FINETUNE_CELL.fullmatch(key)
        if match and row.get('n'):
            points.setdefault(match[1], []).append(
                (int(match[2]) * PASSES_PER_EPOCH, row))
    for color, (variant, rows) in zip(
            itertools.cycle(['k', 'C6', 'C7', 'C8', 'C9']),
            sorted(points.items())):
        rows.sort(key=lambda item: item[0])
        n = sorted({row['n'] for _, row in rows})
        ax.errorbar([x for x, _ in rows], [r['mean'] for _, r in rows],
                    yerr=[r['std'] for _, r in rows], fmt='*-', ms=10,
                    color=color, capsize=3,
                    label=f'{variant} + finetune (n={"/".join(map(str, n))})')


def plot_curve(report: dict, path: str) -> bool:
    """kNN and probe top-1 against pretraining passes, one line per variant.

    Returns:
        bool: False when there is no curve to draw.
    """
    if not report['curves']:
        return False
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    panels = ['100'] + [str(f) for f in sorted(report['fractions'],
                                               reverse=True) if f < 100]
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4),
                             sharey=True, squeeze=False)
    axes = axes[0]
    for ax, fraction in zip(axes, panels):
        for variant, points in report['curves'].items():
            x = [p['passes'] for p in points]
            for kind, style in (('knn', '-o'), ('probe', '--s')):
                y = [p['frozen'][fraction][kind]['mean'] for p in points]
                ax.plot(x, y, style, label=f'{variant} {kind}')
        _plot_finetuned(ax, report, fraction)
        ax.set_title(f'{fraction} % labels: frozen features as reference; '
                     'finetuned', fontsize=10)
        ax.set_xlabel('pretraining passes over the 1,020 sequences')
        ax.grid(alpha=.3)
    axes[0].set_ylabel('NW-UCLA view-3 top-1 (%)')
    for ax in axes:
        ax.legend(fontsize=7)
    fig.tight_layout()
    with atomic_open(path, 'wb') as f:
        fig.savefig(f, format='png', dpi=110)
    plt.close(fig)
    return True


def previous_full_split() -> Tuple[Optional[float], Optional[float]]:
    """Scratch and finetune top-1 of bench_nw_ucla.py (100 %, one seed)."""
    if not osp.exists(PREVIOUS_100):
        return None, None
    with open(PREVIOUS_100) as f:
        results = json.load(f)['results']

    def last(name):
        acc = results.get(name, {}).get('top1', {})
        return acc[max(acc, key=int)] if acc else None
    return last('scratch'), last('finetune')
