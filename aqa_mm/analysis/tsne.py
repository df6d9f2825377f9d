"""Backbone features of a test split embedded with t-SNE (paper Fig. 4).

The model and the split's dataloader are built from the config; the
checkpoint's backbone weights are loaded
(:func:`aqa_mm.models.utils.load_backbone_weights`); the backbone runs over
every sample (with a progress bar) and its pooled feature, shape (C,), is
kept; scikit-learn's t-SNE maps the (N, C) features to 2-D, plotted
coloured by class.

Supported models: :class:`SkeletonAssessor` / :class:`RGBAssessor` (the
backbone's output, pooled by the head's ``pool`` and averaged over clips)
and :class:`SMEPretrainer` (the backbone's (N, C^s) feature of the first
view). An SMEPretrainer checkpoint can be given with a SkeletonAssessor
config (e.g. ``configs/sme_gcn/finetune_synthetic.py``): its backbone
weights are loaded, so the pretrained backbone is visualised on the
finetuning pipeline.
"""
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import nn

from aqa_mm.models.utils.backbone_weights import (backbone_of,
                                                  load_backbone_weights)
from aqa_mm.models.utils.frozen_features import frozen_features
from aqa_mm.utils.cli import DataError, UserError
from aqa_mm.utils.io import atomic_open

SUPPORTED = 'SkeletonAssessor, RGBAssessor, SMEPretrainer'


def _is_assessor(model: nn.Module) -> bool:
    """A backbone + head model whose head pools the backbone's output."""
    return hasattr(getattr(model, 'head', None), 'pool') and hasattr(
        model, 'extract_feat')


def check_supported(model: nn.Module) -> None:
    """Refuse a model t-SNE cannot take features from.

    Args:
        model (nn.Module): The built model.

    Raises:
        UserError: Neither an assessor with one backbone and a pooling head
            nor a pretrainer.
    """
    if not (_is_assessor(model) or hasattr(model, 'view_keys')):
        raise UserError(f'tsne: no backbone feature for '
                        f'{type(model).__name__}; supported models: '
                        f'{SUPPORTED}')
    backbone_of(model)


def encode_batch(model: nn.Module, data: dict) -> torch.Tensor:
    """Pooled backbone features of one dataloader batch.

    Args:
        model (nn.Module): A supported model in eval mode.
        data (dict): A batch from the dataloader (``inputs``,
            ``data_samples``).

    Returns:
        Tensor: (N, C) features.
    """
    data = model.data_preprocessor(data, False)
    inputs = data['inputs']
    if not _is_assessor(model):                          # a pretrainer
        if not isinstance(inputs, dict):
            raise UserError('tsne: SMEPretrainer needs its view keys as '
                            'inputs; use a finetuning config (e.g. '
                            'configs/sme_gcn/finetune_synthetic.py) with '
                            'the pretraining checkpoint instead')
        return backbone_of(model)[1](inputs[model.view_keys[0]]).flatten(1)
    feats, num_clips = model.extract_feat(inputs)
    pooled = model.head.pool(feats)                       # [N*clips, C]
    return pooled.view(-1, num_clips, pooled.shape[-1]).mean(dim=1)


def build_model_and_loader(config: str, checkpoint: str, split: str = 'test',
                           cfg_options: Optional[dict] = None,
                           batch_size: Optional[int] = None
                           ) -> Tuple[nn.Module, object]:
    """Build the model (with weights) and a deterministic loader of a split.

    The loader is the config's ``test_dataloader`` (test pipeline, no
    shuffling) with its dataset's ``split`` set to ``split``.

    Args:
        config (str): Config file.
        checkpoint (str): Checkpoint file.
        split (str): Annotation split to embed. Defaults to ``'test'``.
        cfg_options (dict, optional): ``--cfg-options``. Defaults to None.
        batch_size (int, optional): Overrides the loader's batch size.
            Defaults to None.

    Returns:
        tuple[nn.Module, DataLoader]: The model in eval mode, the loader.
    """
    from mmengine.runner import Runner

    from aqa_mm.registry import MODELS
    from aqa_mm.utils import (load_config, merge_cfg_options,
                              register_all_modules)
    register_all_modules()
    cfg = load_config(config)
    merge_cfg_options(cfg, cfg_options)
    if not cfg.get('test_dataloader'):
        raise UserError(f'{config} has no test_dataloader (a pretraining '
                        'config?); use a finetuning config with the same '
                        'encoder and pass the pretraining checkpoint')
    loader_cfg = cfg.test_dataloader.copy()
    loader_cfg.dataset = loader_cfg.dataset.copy()
    loader_cfg.dataset.split = split
    loader_cfg.num_workers = 0
    loader_cfg.persistent_workers = False
    loader_cfg.sampler = dict(type='DefaultSampler', shuffle=False)
    if batch_size:
        loader_cfg.batch_size = batch_size
    model = MODELS.build(cfg.model)  # no init_weights: weights come next
    check_supported(model)
    # a pretraining checkpoint's projection fc may be absent from the model
    load_backbone_weights(backbone_of(model)[1], checkpoint,
                          ignore_unexpected=True)
    model.eval()
    return model, Runner.build_dataloader(loader_cfg)


def extract_features(model: nn.Module, loader,
                     progress: bool = True) -> Dict[str, object]:
    """Run the backbone over a loader.

    Args:
        model (nn.Module): A supported model.
        loader (DataLoader): Batches of ``inputs`` / ``data_samples``.
        progress (bool): Show a tqdm progress bar. Defaults to True.

    Returns:
        dict: ``features`` (np.ndarray, (N, C) float32), ``labels``
        (list[str], class name per sample, shape (N,)), ``frame_dirs``
        (list[str]).
    """
    classes = list((getattr(loader.dataset, 'metainfo', None) or {}).get(
        'classes') or [])
    feats, samples = frozen_features(
        model, loader, lambda data: encode_batch(model, data),
        name='tsne encoding', progress=progress)
    labels, names = [], []
    for sample in samples:
        meta = sample.metainfo
        name = meta.get('class_name')
        if name is None and 'class_id' in sample:
            cid = int(sample.class_id)
            name = classes[cid] if cid < len(classes) else f'class {cid}'
        labels.append(str(name if name is not None else 'all'))
        names.append(str(meta.get('frame_dir', len(names))))
    return dict(features=feats.numpy(), labels=labels, frame_dirs=names)


def embed_tsne(features: np.ndarray, perplexity: Optional[float] = None,
               seed: int = 0) -> np.ndarray:
    """t-SNE of features to 2-D.

    Args:
        features (np.ndarray): (N, C), N >= 2.
        perplexity (float, optional): Defaults to min(30, (N − 1) / 3),
            which keeps it below N as scikit-learn requires.
        seed (int): Random state. Defaults to 0.

    Returns:
        np.ndarray: (N, 2) embedding.
    """
    from sklearn.manifold import TSNE
    n = len(features)
    if n < 2:
        raise DataError(f't-SNE needs at least 2 samples, got {n}')
    if perplexity is None:
        perplexity = max(1.0, min(30.0, (n - 1) / 3))
    if not 0 < perplexity < n:
        raise UserError(f'--perplexity must be in (0, {n}) for {n} samples, '
                        f'got {perplexity}')
    return TSNE(n_components=2, perplexity=perplexity, init='pca',
                random_state=seed).fit_transform(
                    np.asarray(features, dtype=np.float64))


def plot_embedding(embedding: np.ndarray, labels: Sequence[str],
                   out_file: str, title: str = 't-SNE of encoder features',
                   dpi: int = 120) -> None:
    """Scatter the 2-D embedding coloured by class; save atomically.

    Args:
        embedding (np.ndarray): (N, 2).
        labels (Sequence[str]): Class of each point, shape (N,).
        out_file (str): Destination image (``.png``).
        title (str): Figure title. Defaults to
            ``'t-SNE of encoder features'``.
        dpi (int): Resolution. Defaults to 120.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    labels = np.asarray(labels)
    classes = sorted(set(labels.tolist()))
    cmap = plt.get_cmap('tab10' if len(classes) <= 10 else 'tab20')
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for i, cls in enumerate(classes):
        sel = labels == cls
        ax.scatter(embedding[sel, 0], embedding[sel, 1], s=16, alpha=0.85,
                   color=cmap(i % cmap.N), label=f'{cls} ({sel.sum()})')
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(fontsize=8, loc='best', frameon=True)
    fig.tight_layout()
    ext = osp.splitext(out_file)[1].lstrip('.').lower() or 'png'
    with atomic_open(out_file, 'wb') as f:
        fig.savefig(f, format=ext, dpi=dpi)
    plt.close(fig)


def save_features(result: Dict[str, object], embedding: np.ndarray,
                  out_file: str) -> None:
    """Save features, embedding and labels to an ``.npz`` atomically.

    Args:
        result (dict): Output of :func:`extract_features`.
        embedding (np.ndarray): (N, 2).
        out_file (str): Destination ``.npz``.
    """
    with atomic_open(out_file, 'wb') as f:
        np.savez(f, features=result['features'], embedding=embedding,
                 labels=np.array(result['labels']),
                 frame_dirs=np.array(result['frame_dirs']))
