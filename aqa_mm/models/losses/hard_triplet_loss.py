"""Batch-hardest triplet loss over cosine distances (GDLT's grade loss).

GDLT (Xu et al., CVPR 2022, https://github.com/xuangch/CVPR22_GDLT,
``models/triplet_loss.py``, itself after https://omoindrot.github.io/
triplet-loss) pushes the N·K grade features of a batch apart by grade: for
every anchor, the farthest feature of the same grade (other than itself)
and the closest feature of another grade form the triplet.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from aqa_mm.registry import MODELS


@MODELS.register_module()
class HardTripletLoss(nn.Module):
    """mean_a relu(max_p d(a, p) − min_n d(a, n) + margin).

    d(x, y) = 1 − cos(x, y); p ranges over the other features with a's
    label (d = 0 when there is none, as in GDLT's code), n over the
    features with another label.

    Args:
        margin (float): Triplet margin. GDLT uses 1.0. Defaults to 1.0.
        loss_weight (float): Multiplier (GDLT's λ: 0.5 on Fis-V, 1.0 on RG).
            Defaults to 1.0.
    """

    def __init__(self, margin: float = 1.0, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.margin = float(margin)
        self.loss_weight = float(loss_weight)

    def forward(self, embeddings: torch.Tensor,
                labels: torch.Tensor) -> torch.Tensor:
        """The loss.

        Args:
            embeddings (Tensor): (B, D) features.
            labels (Tensor): (B,) integer labels.

        Returns:
            Tensor: Scalar, times ``loss_weight``.
        """
        if embeddings.dim() != 2 or labels.shape != embeddings.shape[:1]:
            raise ValueError('HardTripletLoss: embeddings must be (B, D) and '
                             f'labels (B,), got {tuple(embeddings.shape)} and '
                             f'{tuple(labels.shape)}')
        unit = F.normalize(embeddings, dim=-1)
        dist = 1 - unit @ unit.t()                                  # [B, B]
        same = labels[:, None] == labels[None, :]
        eye = torch.eye(len(labels), dtype=torch.bool, device=dist.device)
        positive = (dist * (same & ~eye)).max(dim=1).values
        # other-label entries only: push same-label ones above the row max
        row_max = dist.max(dim=1, keepdim=True).values
        negative = (dist + row_max * same).min(dim=1).values
        return self.loss_weight * F.relu(positive - negative +
                                         self.margin).mean()
