"""Frozen-feature evaluation of the pretraining checkpoints: kNN and linear
probe top-1 on cached, un-augmented encoder features, with the whole
training split or a labelled subset as reference."""
import argparse
import os
import os.path as osp
from typing import Dict, List

import numpy as np

from aqa_mm.datasets.label_subset import read_subset, subset_key
from aqa_mm.evaluation.functional import mean_std_cell
from aqa_mm.evaluation.representation_eval import knn_top1, linear_probe_top1
from .plan import SUBSETS, VARIANTS, repo_path


def _loader(cfg, split: str):
    """A test-pipeline NW-UCLA dataloader over ``split``, in file order."""
    from mmengine.runner import Runner
    dataset = dict(type='PoseDataset', ann_file=cfg.ann_file, split=split,
                   pipeline=cfg.test_pipeline, test_mode=True)
    return Runner.build_dataloader(dict(
        batch_size=64, num_workers=0, dataset=dataset,
        sampler=dict(type='DefaultSampler', shuffle=False)))


def checkpoint_features(variant: str, epoch: int, args: argparse.Namespace
                        ) -> Dict[str, np.ndarray]:
    """Frozen encoder features of the training and test views, cached in
    ``<work_dir>/features_<variant>_e<epoch>.npz``.

    ``epoch`` 0 is the randomly initialised encoder (seed 0), the control
    every pretrained checkpoint must beat.

    Args:
        variant (str): Key of :data:`plan.VARIANTS`.
        epoch (int): Pretraining epoch (checkpoint ``epoch_<epoch>.pth``).
        args (argparse.Namespace): ``work_dir``, ``ann_file``, ``device``.

    Returns:
        dict: ``train`` (N, C), ``train_labels`` (N,), ``train_names``
        (N,), ``test`` (M, C), ``test_labels`` (M,) arrays.
    """
    cache = osp.join(args.work_dir, f'features_{variant}_e{epoch}.npz')
    if osp.exists(cache):
        with np.load(cache) as data:
            return dict(data)
    import torch
    from mmaction.utils import register_all_modules

    from aqa_mm.evaluation.representation_eval import extract_features
    from aqa_mm.models.utils.backbone_weights import (backbone_of,
                                                      load_backbone_weights)
    from aqa_mm.registry import MODELS
    from aqa_mm.utils.cli import load_config
    register_all_modules()
    cfg = load_config(repo_path(VARIANTS[variant]))
    cfg.ann_file = args.ann_file
    torch.manual_seed(0)
    net = backbone_of(MODELS.build(cfg.model))[1]
    if epoch > 0:
        load_backbone_weights(net, osp.join(
            args.work_dir, f'pretrain_{variant}', f'epoch_{epoch}.pth'))
    cuda = args.device != 'cpu' and torch.cuda.is_available()
    net.to('cuda' if cuda else 'cpu')
    out = {}
    for split, key in (('xview_train', 'train'), ('xview_val', 'test')):
        loader = _loader(cfg, split)
        feats, labels = extract_features(net, loader)
        out[key], out[f'{key}_labels'] = np.asarray(feats), np.asarray(labels)
        if key == 'train':
            out['train_names'] = np.array([
                loader.dataset.get_data_info(i)['frame_dir']
                for i in range(len(loader.dataset))])
    tmp = cache[:-len('.npz')] + '.tmp.npz'
    np.savez(tmp, **out)
    os.replace(tmp, cache)
    return out


def frozen_eval(feats: Dict[str, np.ndarray], fractions: List[int],
                seeds: List[int]) -> Dict[str, dict]:
    """kNN and linear-probe top-1 with every labelled subset as reference.

    Args:
        feats (dict): From :func:`checkpoint_features`.
        fractions (list[int]): Labelled percentages; 100 is always added.
        seeds (list[int]): Subset seeds.

    Returns:
        dict: ``'<pct>'`` -> ``dict(knn=cell, probe=cell)``, cells
        :func:`~aqa_mm.evaluation.functional.mean_std_cell` over the
        subsets' seeds (100 %: one value, no std).
    """
    names = list(feats['train_names'])
    out = {}
    for fraction in sorted(set(fractions) | {100}):
        knn, probe = [], []
        for seed in (seeds if fraction < 100 else [0]):
            if fraction < 100:
                keep = set(read_subset(repo_path(SUBSETS),
                                       subset_key(fraction / 100, seed)))
                rows = np.array([n in keep for n in names])
            else:
                rows = np.ones(len(names), bool)
            data = (feats['train'][rows], feats['train_labels'][rows],
                    feats['test'], feats['test_labels'])
            knn.append(knn_top1(*data))
            probe.append(linear_probe_top1(*data, seed=seed))
        out[str(fraction)] = dict(knn=mean_std_cell(knn),
                                  probe=mean_std_cell(probe))
    return out
