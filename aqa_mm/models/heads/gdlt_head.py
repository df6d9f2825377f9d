"""GDLTHead: the Grade-decoupling Likert Transformer as a score head.

Our implementation of GDLT (A. Xu, L.-A. Zeng, W.-S. Zheng, "Likert Scoring
with Grade Decoupling for Long-term Action Assessment", CVPR 2022; code read
for the architecture: https://github.com/xuangch/CVPR22_GDLT,
``models/model.py``, ``models/loss.py``):

1. clip features (N, T, C_in) → two 1×1 convolutions with BatchNorm
   (C_in → C_in/2 → D, ReLU between) → (N, T, D);
2. a one-layer Transformer encoder over the clips, then a Transformer
   decoder whose K queries are learnable grade prototypes → K grade
   features (N, K, D);
3. Likert scoring: grade k's response r_k = sigmoid(w_k·g_k + b_k) (the
   diagonal of a D → K linear layer), normalised to sum 1, and the score is
   Σ_k r_k · q_k with the grade values q = linspace(0, 1, K);
4. loss: MSE against score / score_max, plus λ times a batch-hardest
   triplet loss (cosine distance) that pulls features of the same grade
   together (:class:`~aqa_mm.models.losses.HardTripletLoss`).

The Transformer is ``torch.nn.Transformer`` (post-norm, ReLU, final
LayerNorms, Xavier-initialised), which is what GDLT's copied
``models/transformer.py`` is. Deviation: clips padded to batch a
variable-length sequence are masked out of both attentions (GDLT attends
to its zero padding; on Fis-V no training crop is padded, since every
program has ≥ 124 clips, and GDLT tests one program at a time).
"""
import warnings
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from aqa_mm.registry import MODELS


@MODELS.register_module()
class GDLTHead(BaseModule):
    """GDLT over a clip-feature sequence; see the module docstring.

    Args:
        in_channels (int): C_in of a clip feature. Defaults to 1024.
        hidden_dim (int): D. Defaults to 256.
        num_heads (int): Attention heads. Defaults to 1.
        num_encoder_layers (int): Defaults to 1.
        num_decoder_layers (int): Defaults to 2.
        num_grades (int): K, the grade queries. Defaults to 4.
        dropout (float): Transformer dropout (GDLT: 0.7 on Fis-V, 0.3 on
            RG). Defaults to 0.7.
        score_max (float): Targets are score / score_max, predictions are
            mapped back; the Likert score lies in [0, 1], so use the
            training split's maximum. Defaults to 1.
        loss_triplet (dict): The grade loss. Defaults to
            ``dict(type='HardTripletLoss', margin=1.0, loss_weight=0.5)``
            (GDLT's Fis-V λ).
        init_cfg (dict, optional): Defaults to None (PyTorch's default
            init; Xavier for the Transformer, as GDLT).
    """

    def __init__(self,
                 in_channels: int = 1024,
                 hidden_dim: int = 256,
                 num_heads: int = 1,
                 num_encoder_layers: int = 1,
                 num_decoder_layers: int = 2,
                 num_grades: int = 4,
                 dropout: float = 0.7,
                 score_max: float = 1.0,
                 loss_triplet: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if score_max <= 0:
            raise ValueError(f'GDLTHead: score_max must be > 0, got '
                             f'{score_max}')
        if num_grades < 2:
            raise ValueError(f'GDLTHead: num_grades must be >= 2, got '
                             f'{num_grades}')
        self.in_channels = in_channels
        self.score_max = float(score_max)
        self.in_proj = nn.Sequential(
            nn.Conv1d(in_channels, in_channels // 2, kernel_size=1),
            nn.BatchNorm1d(in_channels // 2), nn.ReLU(),
            nn.Conv1d(in_channels // 2, hidden_dim, kernel_size=1),
            nn.BatchNorm1d(hidden_dim))
        with warnings.catch_warnings():  # odd num_heads: no nested tensors
            warnings.filterwarnings('ignore', message='enable_nested_tensor')
            self.transformer = nn.Transformer(
                d_model=hidden_dim, nhead=num_heads,
                num_encoder_layers=num_encoder_layers,
                num_decoder_layers=num_decoder_layers,
                dim_feedforward=3 * hidden_dim, dropout=dropout,
                batch_first=True)
        self.prototype = nn.Embedding(num_grades, hidden_dim)
        self.regressor = nn.Linear(hidden_dim, num_grades)
        self.register_buffer('grade_values', torch.linspace(0, 1, num_grades))
        self.loss_triplet = MODELS.build(loss_triplet or dict(
            type='HardTripletLoss', margin=1.0, loss_weight=0.5))

    def grade_features(self, x: torch.Tensor,
                       mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The K grade features of each sample.

        Args:
            x (Tensor): Clip features (N, T, C_in).
            mask (Tensor, optional): (N, T) bool, True on real clips.
                Defaults to None (all real).

        Returns:
            Tensor: (N, K, D).
        """
        if x.dim() != 3 or x.shape[-1] != self.in_channels:
            raise ValueError(f'GDLTHead expects clip features (N, T, '
                             f'{self.in_channels}), got {tuple(x.shape)}')
        pad = None if mask is None or bool(mask.all()) else ~mask  # [N, T]
        x = self.in_proj(x.transpose(1, 2)).transpose(1, 2)        # [N, T, D]
        memory = self.transformer.encoder(x, src_key_padding_mask=pad)
        queries = self.prototype.weight[None].expand(len(x), -1, -1)
        return self.transformer.decoder(queries, memory,
                                        memory_key_padding_mask=pad)

    def likert_score(self, grades: torch.Tensor) -> torch.Tensor:
        """Σ_k normalised response_k · grade value_k.

        Args:
            grades (Tensor): Grade features (N, K, D).

        Returns:
            Tensor: Scores in [0, 1], (N,).
        """
        logits = torch.diagonal(self.regressor(grades), dim1=-2, dim2=-1)
        response = torch.sigmoid(logits)                            # [N, K]
        response = response / response.sum(dim=1, keepdim=True)
        return (response * self.grade_values).sum(dim=1)

    def forward(self, x: torch.Tensor,
                mask: Optional[torch.Tensor] = None
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Normalised scores and grade features.

        Args:
            x (Tensor): (N, T, C_in).
            mask (Tensor, optional): (N, T) bool. Defaults to None.

        Returns:
            tuple[Tensor, Tensor]: Scores / score_max (N,); grade features
            (N, K, D).
        """
        grades = self.grade_features(x, mask)
        return self.likert_score(grades), grades

    def loss(self, x: torch.Tensor, data_samples: List,
             mask: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        """MSE on normalised scores and the grade triplet loss.

        Args:
            x (Tensor): (N, T, C_in).
            data_samples (list[ActionDataSample]): With ``gt_score``.
            mask (Tensor, optional): (N, T) bool. Defaults to None.

        Returns:
            dict[str, Tensor]: ``loss_mse`` and ``loss_triplet``.
        """
        pred, grades = self(x, mask)
        target = torch.stack([s.gt_score for s in data_samples]).to(pred)
        n, k, d = grades.shape
        labels = torch.arange(k, device=grades.device).repeat(n)  # [N*K]
        return dict(
            loss_mse=F.mse_loss(pred, target / self.score_max),
            loss_triplet=self.loss_triplet(grades.reshape(n * k, d), labels))

    def predict(self, x: torch.Tensor, data_samples: List,
                mask: Optional[torch.Tensor] = None) -> List:
        """Attach ``pred_aqa_score`` (score scale) to each data sample.

        Args:
            x (Tensor): (N, T, C_in).
            data_samples (list[ActionDataSample]): Samples to fill.
            mask (Tensor, optional): (N, T) bool. Defaults to None.

        Returns:
            list[ActionDataSample]: The same samples.
        """
        pred = self(x, mask)[0].detach() * self.score_max
        for sample, score in zip(data_samples, pred):
            sample.set_field(score.float().cpu(), 'pred_aqa_score')
        return data_samples
