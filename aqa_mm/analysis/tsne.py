"""Encoder features of a test split embedded with t-SNE (paper Fig. 4).

The model and the split's dataloader are built from the config; the
checkpoint's weights are loaded; the encoder runs over every sample (with a
progress bar) and its pooled feature, shape (C,), is kept; scikit-learn's
t-SNE maps the (N, C) features to 2-D, plotted coloured by class.

Supported models: :class:`SkeletonAssessor` / :class:`RGBAssessor` (the
backbone's output, pooled by the head's ``pool`` and averaged over clips)
and :class:`SMEPretrainer` (the encoder's (N, C^s) feature of the first
view). An SMEPretrainer checkpoint can be given with a SkeletonAssessor
config (e.g. ``configs/sme_gcn/finetune_synthetic.py``): its ``encoder.*``
weights are loaded into ``backbone.*``, so the pretrained encoder is
visualised on the finetuning pipeline.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import nn

from aqa_mm.utils.cli import DataError, UserError
from aqa_mm.utils.io import atomic_open

SUPPORTED = 'SkeletonAssessor, RGBAssessor, SMEPretrainer'


def feature_prefix(model: nn.Module) -> str:
    """State-dict prefix of the feature extractor (``backbone.``/``encoder.``).

    Args:
        model (nn.Module): The built model.

    Returns:
        str: The prefix.

    Raises:
        UserError: For a model without a backbone+head or an encoder.
    """
    if hasattr(model, 'backbone') and hasattr(getattr(model, 'head', None),
                                              'pool'):
        return 'backbone.'
    if hasattr(model, 'encoder'):
        return 'encoder.'
    raise UserError(f'tsne: no encoder feature for {type(model).__name__}; '
                    f'supported models: {SUPPORTED}')


def load_encoder_weights(model: nn.Module, checkpoint: str) -> List[str]:
    """Load ``checkpoint`` into ``model``; the encoder must be complete.

    An SMEPretrainer checkpoint (``encoder.*`` keys only) loads into a
    model whose feature extractor is ``backbone.*``.

    Args:
        model (nn.Module): The built model.
        checkpoint (str): ``.pth`` file.

    Returns:
        list[str]: Keys of the model that the checkpoint did not fill (e.g.
        the regression head of a pretraining checkpoint).

    Raises:
        DataError: Encoder parameters are missing from the checkpoint.
    """
    from mmengine.runner.checkpoint import _load_checkpoint

    from aqa_mm.utils.checkpoint import checkpoint_safe_globals
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {checkpoint}')
    with checkpoint_safe_globals():
        state = _load_checkpoint(checkpoint, map_location='cpu')
    state = state.get('state_dict', state)
    prefix = feature_prefix(model)
    if prefix == 'backbone.' and not any(
            k.startswith('backbone.') for k in state) and any(
            k.startswith('encoder.') for k in state):
        state = {'backbone.' + k[len('encoder.'):]: v
                 for k, v in state.items() if k.startswith('encoder.')}
    try:
        result = model.load_state_dict(state, strict=False)
    except RuntimeError as exc:  # shape mismatches raise even if not strict
        detail = str(exc).strip().splitlines()[-1].strip()
        raise DataError(f'{checkpoint}: does not fit '
                        f'{type(model).__name__} ({detail}); wrong config?'
                        ) from exc
    missing = [k for k in result.missing_keys if k.startswith(prefix)]
    if missing:
        raise DataError(
            f'{checkpoint}: {len(missing)} encoder weight(s) of '
            f'{type(model).__name__} missing, e.g. {missing[:3]}; the '
            f'checkpoint has e.g. {sorted(state)[:3]} (wrong config?)')
    return list(result.missing_keys)


@torch.no_grad()
def encode_batch(model: nn.Module, data: dict) -> torch.Tensor:
    """Pooled encoder features of one dataloader batch.

    Args:
        model (nn.Module): A supported model in eval mode.
        data (dict): A batch from the dataloader (``inputs``,
            ``data_samples``).

    Returns:
        Tensor: (N, C) features.
    """
    data = model.data_preprocessor(data, False)
    inputs = data['inputs']
    if feature_prefix(model) == 'encoder.':
        if not isinstance(inputs, dict):
            raise UserError('tsne: SMEPretrainer needs its view keys as '
                            'inputs; use a finetuning config (e.g. '
                            'configs/sme_gcn/finetune_synthetic.py) with '
                            'the pretraining checkpoint instead')
        return model.encoder(inputs[model.view_keys[0]]).flatten(1)
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
    load_encoder_weights(model, checkpoint)
    model.eval()
    return model, Runner.build_dataloader(loader_cfg)


def extract_features(model: nn.Module, loader,
                     progress: bool = True) -> Dict[str, object]:
    """Run the encoder over a loader.

    Args:
        model (nn.Module): A supported model in eval mode.
        loader (DataLoader): Batches of ``inputs`` / ``data_samples``.
        progress (bool): Show a tqdm progress bar. Defaults to True.

    Returns:
        dict: ``features`` (np.ndarray, (N, C) float32), ``labels``
        (list[str], class name per sample, shape (N,)), ``frame_dirs``
        (list[str]).
    """
    from tqdm import tqdm
    classes = list((getattr(loader.dataset, 'metainfo', None) or {}).get(
        'classes') or [])
    feats, labels, names = [], [], []
    for data in tqdm(loader, desc='encoding', unit='batch',
                     disable=not progress):
        feats.append(encode_batch(model, data).float().cpu().numpy())
        for sample in data['data_samples']:
            meta = sample.metainfo
            name = meta.get('class_name')
            if name is None and 'class_id' in sample:
                cid = int(sample.class_id)
                name = classes[cid] if cid < len(classes) else f'class {cid}'
            labels.append(str(name if name is not None else 'all'))
            names.append(str(meta.get('frame_dir', len(names))))
    if not feats:
        raise DataError('tsne: the split has no sample')
    return dict(features=np.concatenate(feats), labels=labels,
                frame_dirs=names)


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
