"""The runs of the AQA label-regime study and its labelled subsets.

Paths inside the repository are kept relative to its root (``ROOT``) in
what the study records, so its results read the same on every machine.
"""
import argparse
import os.path as osp
import pickle
from typing import Dict, List

from mmengine.config import Config

from aqa_mm.datasets.label_subset import (read_subset, split_samples,
                                          stratified_subset, subset_key,
                                          write_subsets)
from aqa_mm.engine.launcher import TrainRun
from aqa_mm.utils.run_record import relative_path as rel  # noqa: F401

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.dirname(osp.dirname(HERE))
RESULTS = osp.join(HERE, 'results')
SUBSETS = osp.join(RESULTS, 'aqa_label_subsets.json')
#: variant -> pretraining config, relative to the repository root
VARIANTS = {
    'faithful': 'configs/sme_gcn/pretrain_synthetic.py',
    'view_aug_projector': 'projects/aqa_label_regimes/configs/'
                          'pretrain_synthetic_view_aug_projector.py',
    'moco': 'projects/aqa_label_regimes/configs/pretrain_synthetic_moco.py',
}
SCRATCH = 'configs/sme_gcn/scratch_synthetic.py'
FINETUNE = 'configs/sme_gcn/finetune_synthetic.py'
PRETRAIN_EPOCHS = 15    # pretrain_synthetic.py's schedule
FINETUNE_EPOCHS = 30    # finetune_synthetic.py's and scratch_synthetic.py's
SOURCE = ('built-in SYNTHETIC set, split train (generate_synthetic.py '
          'defaults: seed 0, 60 per class, test ratio 0.25)')


def data_options(args: argparse.Namespace, config: str) -> dict:
    """The annotation ``cfg_options`` of a finetuning / scratch run.

    Args:
        args (argparse.Namespace): ``ann_file`` path.
        config (str): The config (read to find where its datasets take
            the file: inside a ``SubsetDataset`` when it wraps one).

    Returns:
        dict: Dotted config key -> value (the seed is the run's).
    """
    cfg = Config.fromfile(config)
    options = {}
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        key = f'{loader}.dataset'
        if cfg[loader].dataset.get('type') == 'SubsetDataset':
            key += '.dataset'
        options[f'{key}.ann_file'] = args.ann_file
    return options


def subset_of(args: argparse.Namespace, fraction: int, seed: int) -> dict:
    """The launcher's ``subsets`` of a run on a labelled subset: the
    training dataset wrapped in ``SubsetDataset`` (none at 100 %).

    Args:
        args (argparse.Namespace): ``subsets`` path.
        fraction (int): Labelled percentage.
        seed (int): Subset draw.

    Returns:
        dict: Dataset key -> ``SubsetDataset`` arguments.
    """
    if fraction >= 100:
        return {}
    return {'train_dataloader.dataset': dict(
        label_subset_file=args.subsets,
        label_subset=subset_key(fraction / 100, seed))}


def pretrain_run(variant: str, args: argparse.Namespace) -> TrainRun:
    """The pretraining of a variant: its whole schedule, seed 0, no test.

    Args:
        variant (str): A key of ``VARIANTS``.
        args (argparse.Namespace): ``ann_file``, ``work_dir``.

    Returns:
        TrainRun: The run (work dir ``pretrain_<variant>``).
    """
    return TrainRun(
        config=osp.join(ROOT, VARIANTS[variant]),
        work_dir=osp.join(args.work_dir, f'pretrain_{variant}'), seed=0,
        cfg_options={'train_dataloader.dataset.ann_file': args.ann_file},
        select='last', test=False)


def encoder_checkpoint(variant: str, args: argparse.Namespace) -> str:
    """The last pretraining checkpoint of a variant (may not exist yet)."""
    return osp.join(args.work_dir, f'pretrain_{variant}',
                    f'epoch_{PRETRAIN_EPOCHS}.pth')


def regime_runs(args: argparse.Namespace) -> Dict[str, TrainRun]:
    """Scratch and finetuning runs of every (fraction, seed), by name.

    Each is tested once after its last epoch (``select='last'``). The seed
    is both the subset draw and the training seed.

    Args:
        args (argparse.Namespace): ``fractions``, ``seeds``, ``variants``,
            ``ann_file``, ``subsets``, ``work_dir``.

    Returns:
        dict[str, TrainRun]: ``scratch_p<pct>_s<seed>`` and
        ``finetune_<variant>_p<pct>_s<seed>``, scratch first.
    """
    runs = {}
    for fraction in args.fractions:
        for seed in args.seeds:
            name = f'scratch_p{fraction}_s{seed}'
            runs[name] = TrainRun(
                osp.join(ROOT, SCRATCH), osp.join(args.work_dir, name), seed,
                data_options(args, osp.join(ROOT, SCRATCH)),
                subsets=subset_of(args, fraction, seed))
    for fraction in args.fractions:
        for seed in args.seeds:
            opts = data_options(args, osp.join(ROOT, FINETUNE))
            for variant in args.variants:
                name = f'finetune_{variant}_p{fraction}_s{seed}'
                ckpt = encoder_checkpoint(variant, args)
                runs[name] = TrainRun(
                    osp.join(ROOT, FINETUNE), osp.join(args.work_dir, name),
                    seed, {**opts, 'model.backbone.init_cfg.checkpoint': ckpt},
                    subsets=subset_of(args, fraction, seed))
    return runs


def ensure_subsets(args: argparse.Namespace) -> None:
    """Write ``args.subsets`` from the training split, or check it.

    Args:
        args (argparse.Namespace): ``ann_file``, ``subsets``,
            ``fractions``, ``seeds``.

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
                      source=rel(args.ann_file) + ':train')
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


def labelled_counts(args: argparse.Namespace, fraction: int,
                    total: int) -> List[int]:
    """Labelled training samples of a regime, per seed.

    Args:
        args (argparse.Namespace): ``subsets``, ``seeds``.
        fraction (int): Labelled percentage.
        total (int): Size of the whole training split.

    Returns:
        list[int]: One count per seed.
    """
    if fraction >= 100:
        return [total for _ in args.seeds]
    return [len(read_subset(args.subsets, subset_key(fraction / 100, s)))
            for s in args.seeds]
