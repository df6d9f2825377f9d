"""A linear score-regression head trained with λ1·MSE + λ2·MAE."""
from typing import Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from aqa_mm.registry import MODELS
from .score_head import ScoreHead


@MODELS.register_module()
class AQARegressionHead(ScoreHead):
    """Pool a backbone feature and regress one quality score per sample.

    Accepts the pre-pooling map of mmaction2's GCN backbones
    ``(N·num_clips, M, C, T, V)``, an RGB map ``(N·num_clips, C, T, H, W)``
    or an already pooled feature ``(N·num_clips, C)``; everything but C is
    average-pooled, then clips are averaged.

    Args:
        in_channels (int): C of the feature.
        loss_weights (tuple[float, float]): (λ1, λ2) for MSE and MAE, the
            paper's Eq. 8 with the stray minus sign removed. Defaults to
            ``(1.0, 1.0)``.
        dropout (float): Dropout before the FC layer. Defaults to 0.
        score_mean (float): Targets are standardised as
            (y − score_mean) / score_std for the loss and predictions are
            mapped back, so scores in the tens train as well as scores near
            1. Set them to the training split's statistics. Defaults to 0.
        score_std (float): See ``score_mean``. Defaults to 1.
        init_cfg (dict, optional): Weight init. Defaults to a normal init
            of the FC layer with std 0.01.
    """

    def __init__(self,
                 in_channels: int,
                 loss_weights: tuple = (1.0, 1.0),
                 dropout: float = 0.0,
                 score_mean: float = 0.0,
                 score_std: float = 1.0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(score_mean, score_std, init_cfg)
        self.in_channels = in_channels
        self.loss_weights = tuple(loss_weights)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.fc = nn.Linear(in_channels, 1)

    def pool(self, x: torch.Tensor) -> torch.Tensor:
        """Average everything but the channel axis.

        Args:
            x (Tensor): (B, M, C, T, V), (B, C, T, H, W) or (B, C).

        Returns:
            Tensor: (B, C).
        """
        if x.dim() == 2:
            return x
        if x.dim() == 5 and x.shape[2] == self.in_channels \
                and x.shape[1] != self.in_channels:  # GCN (B, M, C, T, V)
            return x.mean(dim=(1, 3, 4))
        if x.shape[1] != self.in_channels:
            raise ValueError(f'{type(self).__name__} expects '
                             f'{self.in_channels} channels, got a feature '
                             f'of shape {tuple(x.shape)}')
        return x.flatten(2).mean(dim=2)

    def forward(self, x: torch.Tensor, num_clips: int = 1) -> torch.Tensor:
        """Predict scores.

        Args:
            x (Tensor): Backbone feature, see :meth:`pool`; the leading axis
                is N·num_clips.
            num_clips (int): Clips per sample, averaged. Defaults to 1.

        Returns:
            Tensor: Standardised scores, shape (N,); see :meth:`to_score`.
        """
        feat = self.pool(x)                                # [N*clips, C]
        feat = feat.view(-1, num_clips, feat.shape[-1]).mean(dim=1)
        return self.fc(self.dropout(feat)).squeeze(-1)      # [N]

    def loss_by_score(self, pred: torch.Tensor,
                      target: torch.Tensor) -> Dict[str, torch.Tensor]:
        """λ1·MSE + λ2·MAE, reported separately.

        Args:
            pred (Tensor): Standardised predictions, (N,).
            target (Tensor): Standardised targets, (N,).

        Returns:
            dict[str, Tensor]: ``loss_mse`` and ``loss_mae``.
        """
        w_mse, w_mae = self.loss_weights
        losses = {}
        if w_mse:
            losses['loss_mse'] = w_mse * F.mse_loss(pred, target)
        if w_mae:
            losses['loss_mae'] = w_mae * F.l1_loss(pred, target)
        return losses

    def loss(self, feats: torch.Tensor, data_samples: List,
             num_clips: int = 1) -> Dict[str, torch.Tensor]:
        """Forward and compute the regression loss.

        Args:
            feats (Tensor): Backbone feature, leading axis N·num_clips.
            data_samples (list[ActionDataSample]): With ``gt_score``.
            num_clips (int): Clips per sample. Defaults to 1.

        Returns:
            dict[str, Tensor]: Losses.
        """
        pred = self(feats, num_clips)
        return self.loss_by_score(
            pred, self.standardised_targets(data_samples, pred))

    def predict(self, feats: torch.Tensor, data_samples: List,
                num_clips: int = 1) -> List:
        """Forward and attach ``pred_aqa_score`` to each data sample.

        Args:
            feats (Tensor): Backbone feature, leading axis N·num_clips.
            data_samples (list[ActionDataSample]): Samples to fill.
            num_clips (int): Clips per sample. Defaults to 1.

        Returns:
            list[ActionDataSample]: The same samples, with predictions.
        """
        pred = self.to_score(self(feats, num_clips).detach())
        for sample, score in zip(data_samples, pred):
            sample.set_field(score.float().cpu(), 'pred_aqa_score')
        return data_samples
