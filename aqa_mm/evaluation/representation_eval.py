"""Representation quality of a frozen encoder: kNN top-1 and a linear probe.

The two measurements the self-supervised skeleton literature reports for a
frozen encoder (linear evaluation, e.g. CrosSCLR and AimCLR; kNN, e.g. ISC,
Thoker et al. 2021, and CMD, Mao et al. 2022), computed on features cached
once per evaluation:

- :func:`knn_top1`: weighted k-nearest-neighbour vote on cosine similarity,
  each neighbour weighted by exp(sim / T), as in Wu et al., "Unsupervised
  Feature Learning via Non-Parametric Instance Discrimination" (InstDisc,
  CVPR 2018, https://github.com/zhirongw/lemniscate.pytorch, ``kNN``).
- :func:`linear_probe_top1`: multinomial logistic regression on the cached
  features, standardised with the training set's mean and std, trained
  full-batch with L-BFGS under a fixed iteration budget (stopping early at
  convergence); no hyper-parameter or epoch is chosen on the test set.

This probe runs on cached, UN-augmented features (one test-pipeline clip per
sequence). It is a cheap tracking signal, not the "strict linear probe" of
``configs/sme_gcn/transfer/nw_ucla_xview_linear_probe.py``, which trains
``GCNHead``'s fc through the frozen encoder with the training augmentation
and SGD schedule; the two numbers are not interchangeable.
"""
from typing import Optional, Sequence, Tuple, Union

import numpy as np
import torch
from torch import nn

from aqa_mm.models.utils.frozen_features import frozen_features

ArrayLike = Union[torch.Tensor, np.ndarray, Sequence]


def _batch_skeletons(inputs) -> torch.Tensor:
    """Skeletons of one batch as (N, S, M, T, V, C), S clips per sample.

    Accepts what ``FormatGCNInput`` + ``PackActionInputs`` give: per sample
    (S, M, T, V, C) (or (M, T, V, C)), as a list (``pseudo_collate``) or
    stacked into a tensor (``default_collate``).
    """
    if isinstance(inputs, dict):
        raise TypeError('extract_features: the batch inputs are a dict '
                        f'(keys {sorted(inputs)}); use a test pipeline that '
                        'ends in FormatGCNInput + PackActionInputs()')
    if isinstance(inputs, torch.Tensor):
        x = inputs
        if x.dim() == 5:                                     # [N, M, T, V, C]
            x = x.unsqueeze(1)
    else:
        items = [v.unsqueeze(0) if v.dim() == 4 else v for v in inputs]
        shapes = {tuple(v.shape) for v in items}
        if len(shapes) != 1:
            raise ValueError('extract_features: samples of different shapes '
                             f'{sorted(shapes)} in one batch')
        x = torch.stack(items)
    if x.dim() != 6:
        raise ValueError('extract_features: expected skeletons (N, [S,] M, '
                         f'T, V, C), got a batch of shape {tuple(x.shape)}')
    return x                                              # [N, S, M, T, V, C]


def _sample_label(sample) -> int:
    """Class index of an ActionDataSample (mmaction2 1.1 and >= 1.2)."""
    if 'gt_label' in sample:                                 # mmaction2 >= 1.2
        label = sample.gt_label
    elif 'gt_labels' in sample:                              # mmaction2 1.1
        label = sample.gt_labels.item
    else:
        raise KeyError('extract_features: a data sample has no gt_label / '
                       'gt_labels; is the reference set labelled?')
    label = torch.as_tensor(label).flatten()
    if label.numel() != 1:
        raise ValueError('extract_features: expected one class label per '
                         f'sample, got shape {tuple(label.shape)}')
    return int(label[0])


def extract_features(encoder: nn.Module, dataloader,
                     device: Optional[Union[str, torch.device]] = None
                     ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Pooled features and labels of every sample of a dataloader.

    The encoder runs in eval mode (BatchNorm running statistics, no
    dropout); each module's training flag is restored afterwards
    (:func:`aqa_mm.models.utils.frozen_features`). Samples with S > 1 clips
    get the mean of their clip features.

    Args:
        encoder (nn.Module): Maps (B, M, T, V, C) to (B, C');
            ``encoder.forward_pooled`` is used when it exists (SMEGCN: the
            map pooled before the projection ``fc``), else ``encoder(x)``.
        dataloader (Iterable[dict]): mmaction2-style batches: ``inputs``
            (tensor (N, [S,] M, T, V, C) or list of (S, M, T, V, C) /
            (M, T, V, C) tensors) and ``data_samples`` with ``gt_label``
            (or 1.1's ``gt_labels.item``).
        device (str | torch.device, optional): Where to run. Defaults to
            None: the device of the encoder's first parameter (CPU if none).

    Returns:
        tuple[Tensor, Tensor]: Features (N, C') float32 and labels (N,)
        int64, both on the CPU.
    """
    if device is None:
        param = next(encoder.parameters(), None)
        device = param.device if param is not None else 'cpu'
    forward = getattr(encoder, 'forward_pooled', encoder)

    def encode(batch: dict) -> torch.Tensor:
        x = _batch_skeletons(batch['inputs']).to(device)
        N, S = x.shape[:2]
        f = forward(x.flatten(0, 1).float())                 # [N*S, C']
        if f.dim() != 2 or f.shape[0] != N * S:
            raise ValueError('extract_features: the encoder must return '
                             f'(B, C) features, got {tuple(f.shape)} for'
                             f' B = {N * S}')
        return f.view(N, S, -1).mean(1)                      # [N, C']

    feats, samples = frozen_features(encoder, dataloader, encode,
                                     name='extract_features')
    labels = [_sample_label(s) for s in samples]
    return feats, torch.tensor(labels, dtype=torch.int64)


def _as_cpu_tensor(value: ArrayLike) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    return torch.as_tensor(np.asarray(value))


def _check(name: str, feats: ArrayLike, labels: ArrayLike
           ) -> Tuple[torch.Tensor, torch.Tensor]:
    """(N, C) float64 features and (N,) int64 labels, or a one-line error."""
    feats = _as_cpu_tensor(feats).to(torch.float64)
    labels = _as_cpu_tensor(labels)
    if feats.dim() != 2 or feats.shape[0] == 0:
        raise ValueError(f'{name}_feats must be (N, C) with N > 0, got shape '
                         f'{tuple(feats.shape)}')
    if labels.shape != feats.shape[:1]:
        raise ValueError(f'{name}_labels must be ({feats.shape[0]},) to match'
                         f' {name}_feats {tuple(feats.shape)}, got shape '
                         f'{tuple(labels.shape)}')
    if labels.dtype.is_floating_point or (labels < 0).any():
        raise ValueError(f'{name}_labels must be non-negative class indices, '
                         f'got dtype {labels.dtype}')
    if not torch.isfinite(feats).all():
        raise ValueError(f'{name}_feats {tuple(feats.shape)} has NaN/inf')
    return feats, labels.long()


def _check_pair(train_feats, train_labels, test_feats, test_labels):
    train_feats, train_labels = _check('train', train_feats, train_labels)
    test_feats, test_labels = _check('test', test_feats, test_labels)
    if train_feats.shape[1] != test_feats.shape[1]:
        raise ValueError(f'train_feats {tuple(train_feats.shape)} and '
                         f'test_feats {tuple(test_feats.shape)} differ in C')
    return train_feats, train_labels, test_feats, test_labels


def knn_top1(train_feats: ArrayLike, train_labels: ArrayLike,
             test_feats: ArrayLike, test_labels: ArrayLike, k: int = 20,
             temperature: float = 0.1) -> float:
    """Weighted kNN top-1 accuracy (InstDisc, Wu et al. 2018).

    Each test feature votes with its k most cosine-similar training
    features; neighbour i adds exp(s_i / temperature) to its class; the
    class with the largest sum wins (ties: the lowest class index). Exact
    float64 arithmetic, no randomness.

    Args:
        train_feats (Tensor | ndarray): Reference features, (N, C).
        train_labels (Tensor | ndarray): Their classes, (N,) int.
        test_feats (Tensor | ndarray): Query features, (Q, C).
        test_labels (Tensor | ndarray): Their classes, (Q,) int.
        k (int): Neighbours; capped at N. Defaults to 20 (the
            self-supervised skeleton papers' choice).
        temperature (float): T of the vote weights. Defaults to 0.1.

    Returns:
        float: Top-1 accuracy in percent.
    """
    if k < 1 or temperature <= 0:
        raise ValueError(f'knn_top1 needs k >= 1 and temperature > 0, got '
                         f'k={k}, temperature={temperature}')
    train, y_train, test, y_test = _check_pair(train_feats, train_labels,
                                               test_feats, test_labels)
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    train = nn.functional.normalize(train, dim=1)            # [N, C]
    test = nn.functional.normalize(test, dim=1)              # [Q, C]
    k = min(k, train.shape[0])
    correct = 0
    for start in range(0, test.shape[0], 1024):              # bounded memory
        sim = test[start:start + 1024] @ train.T             # [q, N]
        top_sim, top_idx = sim.topk(k, dim=1)                # [q, k]
        votes = torch.zeros(sim.shape[0], num_classes, dtype=sim.dtype)
        votes.scatter_add_(1, y_train[top_idx], (top_sim / temperature).exp())
        pred = votes.argmax(dim=1)                           # [q]
        correct += int((pred == y_test[start:start + 1024]).sum())
    return 100.0 * correct / test.shape[0]


def linear_probe_top1(train_feats: ArrayLike, train_labels: ArrayLike,
                      test_feats: ArrayLike, test_labels: ArrayLike,
                      epochs: int = 500, weight_decay: float = 1e-3,
                      seed: int = 0) -> float:
    """Top-1 of a multinomial logistic regression on cached features.

    Features are standardised with the TRAIN mean and std only. The loss is
    the mean cross-entropy plus ``weight_decay / 2 · ||W||²`` (bias not
    decayed), minimised full-batch by L-BFGS (strong-Wolfe line search) for
    at most ``epochs`` iterations, in float64. Fixed budget, no model
    selection on the test set. A probe on un-augmented cached features, not
    the strict linear-probe config (see the module docstring).

    Args:
        train_feats (Tensor | ndarray): (N, C) training features.
        train_labels (Tensor | ndarray): (N,) int training classes.
        test_feats (Tensor | ndarray): (Q, C) test features.
        test_labels (Tensor | ndarray): (Q,) int test classes.
        epochs (int): L-BFGS iterations, each one full-batch pass (plus
            line-search evaluations); it stops earlier once converged.
            Defaults to 500 (on NW-UCLA features of a random SMEGCN the
            training accuracy stops changing between 300 and 1,000).
        weight_decay (float): L2 penalty on the weights. Defaults to 1e-3
            (about scikit-learn's ``C = 1`` for N = 1,020).
        seed (int): Seed of the small random weight init, drawn from a local
            generator (the global RNG is untouched). With weight_decay > 0
            the objective is strictly convex, so the result barely depends
            on it. Defaults to 0.

    Returns:
        float: Top-1 accuracy in percent on the test features.
    """
    if epochs < 1 or weight_decay < 0:
        raise ValueError(f'linear_probe_top1 needs epochs >= 1 and '
                         f'weight_decay >= 0, got epochs={epochs}, '
                         f'weight_decay={weight_decay}')
    train, y_train, test, y_test = _check_pair(train_feats, train_labels,
                                               test_feats, test_labels)
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    mean = train.mean(0)
    std = train.std(0, unbiased=False).clamp_min(1e-8)       # constant dims
    train, test = (train - mean) / std, (test - mean) / std  # [N, C], [Q, C]

    gen = torch.Generator().manual_seed(seed)
    weight = (0.01 * torch.randn(train.shape[1], num_classes, generator=gen,
                                 dtype=torch.float64)).requires_grad_()
    bias = torch.zeros(num_classes, dtype=torch.float64, requires_grad=True)
    optim = torch.optim.LBFGS([weight, bias], lr=1.0, max_iter=epochs,
                              history_size=20, line_search_fn='strong_wolfe')

    def closure() -> torch.Tensor:
        optim.zero_grad()
        loss = nn.functional.cross_entropy(train @ weight + bias, y_train)
        loss = loss + 0.5 * weight_decay * weight.pow(2).sum()
        loss.backward()
        return loss

    with torch.enable_grad():
        optim.step(closure)
    with torch.no_grad():
        pred = (test @ weight + bias).argmax(dim=1)          # [Q]
    return 100.0 * float((pred == y_test).double().mean())


def evaluate_representation(encoder: nn.Module, train_loader, test_loader,
                            k: int = 20, temperature: float = 0.1,
                            probe: bool = True) -> dict:
    """Extract both sets once, then kNN top-1 and (optionally) the probe.

    Args:
        encoder (nn.Module): See :func:`extract_features`.
        train_loader (Iterable[dict]): Labelled reference set (test pipeline).
        test_loader (Iterable[dict]): Evaluation set (test pipeline).
        k (int): kNN neighbours. Defaults to 20.
        temperature (float): kNN vote temperature. Defaults to 0.1.
        probe (bool): Also run :func:`linear_probe_top1`. Defaults to True.

    Returns:
        dict: ``knn_top1`` (%), ``probe_top1`` (%, only if ``probe``),
        ``num_train``, ``num_test``, ``feat_dim``.
    """
    train_feats, train_labels = extract_features(encoder, train_loader)
    test_feats, test_labels = extract_features(encoder, test_loader)
    out = dict(knn_top1=knn_top1(train_feats, train_labels, test_feats,
                                 test_labels, k=k, temperature=temperature))
    if probe:
        out['probe_top1'] = linear_probe_top1(train_feats, train_labels,
                                              test_feats, test_labels)
    out.update(num_train=len(train_labels), num_test=len(test_labels),
               feat_dim=int(train_feats.shape[1]))
    return out
