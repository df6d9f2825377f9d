"""ScoreHead: what the score-regressing heads share.

:class:`AQARegressionHead` and :class:`PFMHead` regress standardised
scores, (y − score_mean) / score_std, and map predictions back; both start
from a normal init (std 0.01) of their linear layers. Not registered.
"""
from typing import List, Optional

import torch
from mmengine.model import BaseModule


class ScoreHead(BaseModule):
    """Score standardisation and the default init of a regression head.

    Args:
        score_mean (float): Targets are standardised as
            (y − score_mean) / score_std for the loss and predictions are
            mapped back, so scores in the tens train as well as scores near
            1. Set them to the training split's statistics. Defaults to 0.
        score_std (float): See ``score_mean``; must be > 0. Defaults to 1.
        init_cfg (dict, optional): Weight init. Defaults to a normal init
            (std 0.01) of the linear layers.
    """

    def __init__(self,
                 score_mean: float = 0.0,
                 score_std: float = 1.0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg or dict(
            type='Normal', layer='Linear', std=0.01))
        if score_std <= 0:
            raise ValueError(f'score_std must be > 0, got {score_std}')
        self.score_mean, self.score_std = float(score_mean), float(score_std)

    def to_score(self, pred: torch.Tensor) -> torch.Tensor:
        """Map standardised predictions (any shape) back to the score scale."""
        return pred * self.score_std + self.score_mean

    def standardised_targets(self, data_samples: List,
                             like: torch.Tensor) -> torch.Tensor:
        """The samples' ``gt_score`` values, standardised.

        Args:
            data_samples (list[ActionDataSample]): With ``gt_score``.
            like (Tensor): A tensor whose dtype and device the targets take.

        Returns:
            Tensor: (N,) standardised targets.
        """
        target = torch.stack([s.gt_score for s in data_samples]).to(like)
        return (target - self.score_mean) / self.score_std
