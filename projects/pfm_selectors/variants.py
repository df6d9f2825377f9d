"""The fusion heads compared by the PFM selector study, and their runs.

Every head trains on the same feature cache of
``configs/2maf/2maf_synthetic.py`` (frozen finetuned SME-GCN, frozen
Kinetics-400 I3D) made by the quick start, so only the head differs.
"""
import argparse
import os.path as osp
from typing import List, Tuple

from mmengine.config import Config

from aqa_mm.engine.launcher import TrainRun
from aqa_mm.utils.run_record import relative_path as rel  # noqa: F401

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.dirname(osp.dirname(HERE))
RESULTS = osp.join(HERE, 'results')
PREFERENCES = 'preferences_k5_s0.pkl'   # tools/crossfit_preferences.py
#: name -> (config relative to the repository root, table label,
#: the paper's AQA-7 "All" ρ of that setting or None)
VARIANTS = {
    'skeleton_only': (
        'configs/2maf/baselines/skeleton_only_synthetic_cached.py',
        'skeleton only', 0.8696),
    'rgb_only': ('configs/2maf/baselines/rgb_only_synthetic_cached.py',
                 'RGB only', 0.8517),
    'sf': ('configs/2maf/baselines/sf_synthetic_cached.py',
           'simple fusion, concat + FC', 0.8631),
    'pfm_mlp': ('configs/2maf/baselines/pfm_mlp_synthetic_cached.py',
                'PFM + MLP, three outputs', 0.8728),
    'pfm_mse': ('configs/2maf/baselines/pfm_mse_synthetic_cached.py',
                'PFM, MSE only', 0.8699),
    'pfm_mae': ('configs/2maf/baselines/pfm_mae_synthetic_cached.py',
                'PFM, MAE only', 0.8695),
    'pfm': ('configs/2maf/2maf_synthetic_cached.py',
            '**PFM as in the paper**, MSE + MAE', 0.8744),
    'soft': ('configs/2maf/2maf_synthetic_cached_soft.py',
             'PFM, soft fusion', None),
    'crossfit': ('configs/2maf/2maf_synthetic_cached_crossfit.py',
                 'PFM, cross-fitted labels', None),
    'safe': ('configs/2maf/2maf_synthetic_cached_safe.py',
             'PFM, cross-fitted labels + safe fallback', None),
}


def inner_dataset(cfg: Config, loader: str) -> Tuple[str, dict]:
    """The dataset of a loader that reads the files, inside a
    ``SubsetDataset`` when the config wraps one.

    Args:
        cfg (Config): A loaded config.
        loader (str): E.g. ``'train_dataloader'``.

    Returns:
        tuple[str, dict]: Its dotted key and its config.
    """
    key, dataset = f'{loader}.dataset', cfg[loader].dataset
    if dataset.get('type') == 'SubsetDataset':
        key, dataset = f'{key}.dataset', dataset.dataset
    return key, dataset


def run_for(name: str, seed: int, args: argparse.Namespace) -> TrainRun:
    """The training and test of one head and seed.

    The annotation file and the feature folder replace the config's in
    every loader; heads that read preference labels get the cache's
    cross-fitted ``preferences_k5_s0.pkl``. A config that validates on a
    fold carved out of the training split (the safe fallback decides
    there) validates on it during training; every head is tested at its
    last epoch.

    Args:
        name (str): A key of ``VARIANTS``.
        seed (int): Training seed.
        args (argparse.Namespace): ``ann_file``, ``features``,
            ``work_dir``.

    Returns:
        TrainRun: Work dir ``<work_dir>/<name>_seed<seed>``.
    """
    config = osp.join(ROOT, VARIANTS[name][0])
    cfg = Config.fromfile(config)
    options = {}
    for split in ('train', 'val', 'test'):
        key, _ = inner_dataset(cfg, f'{split}_dataloader')
        options[f'{key}.ann_file'] = args.ann_file
        options[f'{key}.data_prefix.feature'] = args.features
    key, train = inner_dataset(cfg, 'train_dataloader')
    if 'preference_file' in train.pipeline[0]:
        options[f'{key}.pipeline.0.preference_file'] = osp.join(
            args.features, PREFERENCES)
    carved = cfg.val_dataloader.dataset.get('holdout') is not None
    return TrainRun(config, osp.join(args.work_dir, f'{name}_seed{seed}'),
                    seed, options, select='last', validate=carved)


def plan_runs(args: argparse.Namespace) -> List[tuple]:
    """(name, seed, run) of every head x seed, in ``args.variants`` order.

    Args:
        args (argparse.Namespace): ``variants``, ``seeds`` and the
            arguments of :func:`run_for`.

    Returns:
        list[tuple[str, int, TrainRun]]: The runs.
    """
    return [(name, seed, run_for(name, seed, args))
            for name in args.variants for seed in args.seeds]
