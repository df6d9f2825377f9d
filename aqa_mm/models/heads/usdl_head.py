"""USDLHead: uncertainty-aware score distribution learning.

Our implementation of USDL (Y. Tang, Z. Ni, J. Zhou, D. Zhang, J. Lu,
C. Tang, J. Zhou, "Uncertainty-aware Score Distribution Learning for Action
Quality Assessment", CVPR 2020, §3; code read: https://github.com/nzl-thu/
MUSDL). Over a pooled feature f (N, C):

1. target: the score s becomes p(c_i) ∝ exp(−(c_i − s)² / 2σ²) over m bins
   c_1..c_m spanning ``score_range`` (the paper: 101 bins over the
   normalised range 0-100 on MTL-AQA; its code: 25 integer bins 6-30 for
   JIGSAWS's GRS), σ in bins;
2. prediction: p̂ = softmax(MLP(f)) over the m bins (MLP 256 → 128 → m);
3. loss: KL(p ‖ p̂) = Σ_i p(c_i) log(p(c_i) / p̂(c_i)), mean over the batch;
4. score: the bin of maximum p̂ (the paper), or Σ_i p̂(c_i) c_i
   (``decode='expectation'``, an option beyond the paper).

See :mod:`.distribution_utils` for the shared functions.
"""
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.model import BaseModule

from aqa_mm.registry import MODELS
from .distribution_utils import (DECODES, attach_scores, bin_values,
                                 decode_score_distribution, distribution_kl,
                                 gaussian_score_distribution, pooled_features,
                                 sample_field, score_mlp)


@MODELS.register_module()
class USDLHead(BaseModule):
    """A softmax over score bins, learned against a Gaussian target.

    Takes what :class:`AQARegressionHead` takes: pooled features
    (N·num_clips, C), a GCN map (N·num_clips, M, C, T, V) or an RGB map
    (N·num_clips, C, T, H, W); clips are averaged. Works under
    ``SequenceAssessor(temporal_pool='mean')``, ``SkeletonAssessor`` and
    ``RGBAssessor``.

    Args:
        in_channels (int): C of the feature.
        score_range (Sequence[float]): (min, max) score of the first and
            last bin; use the scale's bounds (JIGSAWS GRS: (6, 30)) or the
            training split's. Scores outside still give a valid target.
        num_bins (int): m, the bins. Defaults to 101 (the paper).
        sigma (float): σ of the target Gaussian, in bins. Defaults to 1.
        hidden_channels (Sequence[int]): MLP hidden widths. Defaults to
            (256, 128) (MUSDL's code).
        dropout (float): Dropout before each linear layer. Defaults to 0.
        decode (str): ``'argmax'`` (the paper) or ``'expectation'``.
            Defaults to ``'argmax'``.
        init_cfg (dict, optional): Weight init. Defaults to None
            (PyTorch's default, as MUSDL's code).
    """

    def __init__(self,
                 in_channels: int,
                 score_range: Sequence[float],
                 num_bins: int = 101,
                 sigma: float = 1.0,
                 hidden_channels: Sequence[int] = (256, 128),
                 dropout: float = 0.0,
                 decode: str = 'argmax',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if sigma <= 0:
            raise ValueError(f'USDLHead: sigma must be > 0, got {sigma}')
        if decode not in DECODES:
            raise ValueError(f'USDLHead: decode must be one of {DECODES}, '
                             f'got {decode!r}')
        self.in_channels = in_channels
        self.sigma = float(sigma)
        self.decode = decode
        self.register_buffer('bins', bin_values(score_range, num_bins),
                             persistent=False)
        self.mlp = score_mlp(in_channels, hidden_channels, num_bins, dropout)

    def forward(self, x: torch.Tensor, num_clips: int = 1) -> torch.Tensor:
        """Bin logits.

        Args:
            x (Tensor): Feature with leading axis N·num_clips (see the class
                docstring).
            num_clips (int): Clips per sample. Defaults to 1.

        Returns:
            Tensor: (N, m) logits; softmax gives p̂.
        """
        return self.mlp(pooled_features(self, x, num_clips))      # [N, m]

    def to_score(self, logits: torch.Tensor) -> torch.Tensor:
        """Decode (N, m) logits into (N,) scores (see ``decode``)."""
        return decode_score_distribution(logits.softmax(dim=-1), self.bins,
                                         self.decode)

    def target_distribution(self, scores: torch.Tensor) -> torch.Tensor:
        """The Gaussian targets p of (N,) scores: (N, m)."""
        return gaussian_score_distribution(scores, self.bins, self.sigma)

    def loss(self, feats: torch.Tensor, data_samples: List,
             num_clips: int = 1) -> Dict[str, torch.Tensor]:
        """KL(p ‖ p̂) against each sample's ``gt_score``.

        Args:
            feats (Tensor): Feature, leading axis N·num_clips.
            data_samples (list[ActionDataSample]): With ``gt_score``.
            num_clips (int): Clips per sample. Defaults to 1.

        Returns:
            dict[str, Tensor]: ``loss_kl``.
        """
        logits = self(feats, num_clips)
        scores = sample_field(data_samples, 'gt_score', 'USDLHead', logits)
        return dict(loss_kl=distribution_kl(
            logits, self.target_distribution(scores)))

    def predict(self, feats: torch.Tensor, data_samples: List,
                num_clips: int = 1) -> List:
        """Attach ``pred_aqa_score`` to each data sample.

        Args:
            feats (Tensor): Feature, leading axis N·num_clips.
            data_samples (list[ActionDataSample]): Samples to fill.
            num_clips (int): Clips per sample. Defaults to 1.

        Returns:
            list[ActionDataSample]: The same samples.
        """
        pred = self.to_score(self(feats, num_clips).detach())
        return attach_scores(data_samples, pred)
