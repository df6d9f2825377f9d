"""InfoNCE against a queue of negatives (MoCo, He et al., CVPR 2020)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from aqa_mm.registry import MODELS


@MODELS.register_module()
class QueueInfoNCELoss(nn.Module):
    """MoCo's InfoNCE: each query against its own key and K queued keys.

    With q, k and the queue entries n_j L2-normalised::

        L = −(1/N) Σ_i log( exp(q_i·k_i / τ)
                            / (exp(q_i·k_i / τ) + Σ_j exp(q_i·n_j / τ)) )

    The other keys of the batch are not negatives (they are pushed to the
    queue afterwards, as in MoCo). Queue entries flagged by ``exclude`` (a
    stale key of the query's own sample) are left out of its sum.

    Args:
        temperature (float): τ. Defaults to 0.07 (MoCo v1, SkeletonCLR and
            AimCLR; MoCo v2 uses 0.2).
        loss_weight (float): Multiplier. Defaults to 1.0.
    """

    def __init__(self, temperature: float = 0.07,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.temperature = temperature
        self.loss_weight = loss_weight

    def forward(self, query: torch.Tensor, key: torch.Tensor,
                negatives: torch.Tensor,
                exclude: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Compute the loss.

        Args:
            query (Tensor): (N, C), from the trained encoder.
            key (Tensor): (N, C), the positive of each query (from the
                momentum encoder; gradients are not taken through it).
            negatives (Tensor): (K, C), the queue.
            exclude (Tensor, optional): (N, K) bool, True for queue entries
                that are not negatives of that query. Defaults to None.

        Returns:
            Tensor: Scalar loss.
        """
        if (query.dim() != 2 or query.shape != key.shape
                or negatives.dim() != 2
                or negatives.shape[1] != query.shape[1]):
            raise ValueError(
                'QueueInfoNCELoss expects query and key (N, C) and negatives '
                f'(K, C), got {tuple(query.shape)}, {tuple(key.shape)} and '
                f'{tuple(negatives.shape)}')
        q = F.normalize(query, dim=1)
        k = F.normalize(key.detach(), dim=1)
        n = F.normalize(negatives.detach(), dim=1)
        positive = (q * k).sum(dim=1, keepdim=True)            # [N, 1]
        negative = q @ n.t()                                   # [N, K]
        if exclude is not None:
            if exclude.shape != negative.shape:
                raise ValueError(f'QueueInfoNCELoss: exclude must be '
                                 f'{tuple(negative.shape)}, got '
                                 f'{tuple(exclude.shape)}')
            negative = negative.masked_fill(exclude, float('-inf'))
        logits = torch.cat([positive, negative], dim=1) / self.temperature
        target = torch.zeros(q.shape[0], dtype=torch.long, device=q.device)
        return self.loss_weight * F.cross_entropy(logits, target)
