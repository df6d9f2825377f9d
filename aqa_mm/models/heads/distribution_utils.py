"""Building blocks of the score-distribution heads (USDL, MUSDL).

Tang et al., "Uncertainty-aware Score Distribution Learning for Action
Quality Assessment", CVPR 2020 (§3): a score s becomes a Gaussian over m
discrete scores c_1..c_m, g(c_i) = exp(−(c_i − s)² / 2σ²) / (√(2π) σ),
normalised to p(c_i) = g(c_i) / Σ_j g(c_j); the network outputs a softmax
over the same m bins and learns with KL(p ‖ p̂) = Σ_i p(c_i) log(p(c_i) /
p̂(c_i)); the predicted score is the bin of maximum probability. Code read
for the details (bin grids, σ in bin units, the 1024 → 256 → 128 → m MLP):
https://github.com/nzl-thu/MUSDL (``models/evaluator.py``,
``MTL-AQA/dataset.py``, ``JIGSAWS/main.py``).
"""
from typing import List, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from .regression_head import AQARegressionHead

DECODES = ('argmax', 'expectation')


def bin_values(score_range: Sequence[float], num_bins: int) -> torch.Tensor:
    """The m scores c_1..c_m: ``num_bins`` evenly spaced over the range.

    Args:
        score_range (Sequence[float]): (min, max) with min < max.
        num_bins (int): m >= 2.

    Returns:
        Tensor: (m,) float32.
    """
    lo, hi = (float(v) for v in score_range)
    if not hi > lo or num_bins < 2:
        raise ValueError(f'score range must be (min, max) with min < max and '
                         f'num_bins >= 2, got {tuple(score_range)} and '
                         f'{num_bins}')
    return torch.linspace(lo, hi, num_bins)


def gaussian_score_distribution(scores: torch.Tensor, values: torch.Tensor,
                                sigma: float) -> torch.Tensor:
    """p(c_i) ∝ exp(−(i − t)² / 2σ²): the Gaussian target of USDL.

    The mean t is the score's position on the bin grid, so σ is in units
    of the bin spacing (MUSDL's code: σ = 1 on JIGSAWS's unit-spaced
    grid). The Gaussian's constant cancels in the normalisation.

    Args:
        scores (Tensor): (...,) scores on the scale of ``values``.
        values (Tensor): (m,) evenly spaced bin scores, see
            :func:`bin_values`.
        sigma (float): Standard deviation in bins, > 0.

    Returns:
        Tensor: (..., m), non-negative, summing to 1 over the last axis.
    """
    step = (values[-1] - values[0]) / (len(values) - 1)
    pos = (scores.to(values) - values[0]) / step                # [...]
    idx = torch.arange(len(values), device=values.device, dtype=values.dtype)
    logits = -(idx - pos[..., None]) ** 2 / (2 * sigma ** 2)    # [..., m]
    return torch.softmax(logits, dim=-1)


def decode_score_distribution(probs: torch.Tensor, values: torch.Tensor,
                              decode: str = 'argmax') -> torch.Tensor:
    """A score from a distribution over the bins.

    Args:
        probs (Tensor): (..., m) probabilities.
        values (Tensor): (m,) bin scores.
        decode (str): ``'argmax'``, the score of the most probable bin (the
            paper), or ``'expectation'``, Σ_i p̂(c_i) c_i (finer than the bin
            spacing). Defaults to ``'argmax'``.

    Returns:
        Tensor: (...,) scores.
    """
    if decode == 'argmax':
        return values[probs.argmax(dim=-1)]
    if decode == 'expectation':
        return (probs * values).sum(dim=-1)
    raise ValueError(f'decode must be one of {DECODES}, got {decode!r}')


def distribution_kl(logits: torch.Tensor,
                    target: torch.Tensor) -> torch.Tensor:
    """KL(target ‖ softmax(logits)), summed over bins, mean over the rest.

    MUSDL's code uses ``nn.KLDivLoss()`` (mean over every element), which
    is this divided by m: a constant scale.

    Args:
        logits (Tensor): (B, m) bin logits.
        target (Tensor): (B, m) target distributions.

    Returns:
        Tensor: Scalar.
    """
    log_pred = F.log_softmax(logits, dim=-1)
    return F.kl_div(log_pred, target, reduction='batchmean')


def score_mlp(in_channels: int, hidden_channels: Sequence[int],
              out_channels: int, dropout: float = 0.0) -> nn.Sequential:
    """Linear → ReLU → ... → Linear (MUSDL's evaluator: 256, 128 hidden).

    Args:
        in_channels (int): C of the input (N, C).
        hidden_channels (Sequence[int]): Hidden widths; empty for one
            linear layer.
        out_channels (int): Outputs.
        dropout (float): Dropout before each linear layer. Defaults to 0.

    Returns:
        nn.Sequential: (N, C) → (N, out_channels).
    """
    layers: List[nn.Module] = []
    widths = [in_channels, *hidden_channels]
    for c_in, c_out in zip(widths[:-1], widths[1:]):
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        layers += [nn.Linear(c_in, c_out), nn.ReLU()]
    if dropout > 0:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(widths[-1], out_channels))
    return nn.Sequential(*layers)


def pooled_features(head: nn.Module, x: torch.Tensor,
                    num_clips: int = 1) -> torch.Tensor:
    """One (N, C) feature per sample, pooled as :class:`AQARegressionHead`.

    Args:
        head (nn.Module): A head with ``in_channels``.
        x (Tensor): (N·num_clips, C), a GCN map (N·num_clips, M, C, T, V)
            or an RGB map (N·num_clips, C, T, H, W).
        num_clips (int): Clips per sample, averaged. Defaults to 1.

    Returns:
        Tensor: (N, C).
    """
    feat = AQARegressionHead.pool(head, x)                  # [N*clips, C]
    return feat.view(-1, num_clips, feat.shape[-1]).mean(dim=1)


def sample_field(data_samples: List, key: str, owner: str,
                 like: torch.Tensor) -> torch.Tensor:
    """Stack one field of every data sample, naming a sample that lacks it.

    Args:
        data_samples (list[ActionDataSample]): Samples.
        key (str): Field name, e.g. ``'gt_score'``.
        owner (str): Who asks, for the error.
        like (Tensor): Dtype and device of the result.

    Returns:
        Tensor: (N, ...) the stacked fields.
    """
    out = []
    for sample in data_samples:
        if key not in sample:
            name = sample.metainfo.get('frame_dir', '?')
            raise KeyError(f'{owner}: data sample {name!r} has no {key!r}')
        out.append(torch.as_tensor(sample.get(key)))
    return torch.stack(out).to(like)


def attach_scores(data_samples: List, scores: torch.Tensor) -> List:
    """Set each sample's ``pred_aqa_score`` (float32 CPU scalar).

    Args:
        data_samples (list[ActionDataSample]): Samples to fill.
        scores (Tensor): (N,) predicted scores.

    Returns:
        list[ActionDataSample]: The same samples.
    """
    for sample, score in zip(data_samples, scores.detach()):
        sample.set_field(score.float().cpu(), 'pred_aqa_score')
    return data_samples
