"""MUSDLHead: multi-path USDL, one score distribution per judge.

Our implementation of MUSDL (Tang et al., CVPR 2020, the multi-path variant
of USDL; code read: https://github.com/nzl-thu/MUSDL). Each of K
judges gets its own MLP and softmax over m bins of the judge's scale; judge
k's score s_k becomes the Gaussian target p_k (as in :class:`USDLHead`);
the loss is Σ_k KL(p_k ‖ p̂_k). The final score combines the K predicted
judge scores ŝ_k (each the bin of maximum p̂_k) as the paper does:

* ``'trimmed_sum_times_difficulty'`` (diving): sort the judges, drop the
  ``num_trimmed`` highest and lowest, sum the rest, times the degree of
  difficulty (MTL-AQA's seven judges: ``num_trimmed=2``, the median three
  are kept, as MUSDL's code does; five judges: ``num_trimmed=1``);
* ``'sum'`` (JIGSAWS): the sum of the K items, the GRS total (its six GRS
  items are MUSDL's "judges", each scored 1-5).

Judge scores come from each data sample's ``judge_key`` field, (K,).
"""
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from aqa_mm.registry import MODELS
from .distribution_utils import (DECODES, attach_scores, bin_values,
                                 decode_score_distribution, distribution_kl,
                                 gaussian_score_distribution, pooled_features,
                                 sample_field, score_mlp)

COMBINES = ('sum', 'trimmed_sum_times_difficulty')


@MODELS.register_module()
class MUSDLHead(BaseModule):
    """K judge paths of USDL and the paper's combination of their scores.

    Takes the features :class:`USDLHead` takes.

    Args:
        in_channels (int): C of the feature.
        num_judges (int): K.
        judge_range (Sequence[float]): (min, max) of a judge's scale (JIGSAWS
            GRS items: (1, 5); MTL-AQA judges: (0, 10)).
        num_bins (int): m per judge. Defaults to 21 (MTL-AQA's half-point
            grid 0-10; JIGSAWS: 5).
        sigma (float): σ of each target Gaussian, in bins. Defaults to 1.
        combine (str): ``'sum'`` or ``'trimmed_sum_times_difficulty'``.
            Defaults to ``'sum'``.
        num_trimmed (int): Judges dropped at each end by the trimmed sum;
            K − 2·num_trimmed >= 1. Defaults to 1.
        judge_key (str): Data-sample field with the K judge scores.
            Defaults to ``'gt_item_scores'``.
        difficulty_key (str): Data-sample field with the difficulty, read
            by the trimmed combination. Defaults to ``'difficulty'``.
        hidden_channels (Sequence[int]): MLP hidden widths. Defaults to
            (256, 128).
        dropout (float): Dropout before each linear layer. Defaults to 0.
        decode (str): Judge score from p̂_k: ``'argmax'`` (the paper) or
            ``'expectation'``. Defaults to ``'argmax'``.
        init_cfg (dict, optional): Weight init. Defaults to None.
    """

    def __init__(self,
                 in_channels: int,
                 num_judges: int,
                 judge_range: Sequence[float],
                 num_bins: int = 21,
                 sigma: float = 1.0,
                 combine: str = 'sum',
                 num_trimmed: int = 1,
                 judge_key: str = 'gt_item_scores',
                 difficulty_key: str = 'difficulty',
                 hidden_channels: Sequence[int] = (256, 128),
                 dropout: float = 0.0,
                 decode: str = 'argmax',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if combine not in COMBINES:
            raise ValueError(f'MUSDLHead: combine must be one of {COMBINES}, '
                             f'got {combine!r}')
        if decode not in DECODES:
            raise ValueError(f'MUSDLHead: decode must be one of {DECODES}, '
                             f'got {decode!r}')
        if sigma <= 0:
            raise ValueError(f'MUSDLHead: sigma must be > 0, got {sigma}')
        if combine != 'sum' and not 0 <= num_trimmed < num_judges / 2:
            raise ValueError(f'MUSDLHead: num_trimmed={num_trimmed} leaves no '
                             f'judge of {num_judges}')
        self.in_channels = in_channels
        self.num_judges = num_judges
        self.sigma = float(sigma)
        self.combine, self.num_trimmed = combine, num_trimmed
        self.judge_key, self.difficulty_key = judge_key, difficulty_key
        self.decode = decode
        self.register_buffer('bins', bin_values(judge_range, num_bins),
                             persistent=False)
        self.judges = nn.ModuleList(
            score_mlp(in_channels, hidden_channels, num_bins, dropout)
            for _ in range(num_judges))

    def forward(self, x: torch.Tensor, num_clips: int = 1) -> torch.Tensor:
        """Bin logits of every judge.

        Args:
            x (Tensor): Feature with leading axis N·num_clips.
            num_clips (int): Clips per sample. Defaults to 1.

        Returns:
            Tensor: (N, K, m) logits.
        """
        feat = pooled_features(self, x, num_clips)                 # [N, C]
        return torch.stack([judge(feat) for judge in self.judges], dim=1)

    def judge_scores(self, logits: torch.Tensor) -> torch.Tensor:
        """(N, K, m) logits → (N, K) predicted judge scores ŝ_k."""
        return decode_score_distribution(logits.softmax(dim=-1), self.bins,
                                         self.decode)

    def combine_scores(self, judge_scores: torch.Tensor,
                       difficulty: Optional[torch.Tensor] = None
                       ) -> torch.Tensor:
        """The final score from K judge scores (see ``combine``).

        Args:
            judge_scores (Tensor): (N, K).
            difficulty (Tensor, optional): (N,), used by
                ``'trimmed_sum_times_difficulty'``; None gives the trimmed
                sum alone (the tensor mode, which has no data samples).

        Returns:
            Tensor: (N,).
        """
        if self.combine == 'sum':
            return judge_scores.sum(dim=1)
        kept = judge_scores.sort(dim=1).values
        kept = kept[:, self.num_trimmed:self.num_judges - self.num_trimmed]
        total = kept.sum(dim=1)
        return total if difficulty is None else total * difficulty.to(total)

    def to_score(self, logits: torch.Tensor,
                 difficulty: Optional[torch.Tensor] = None) -> torch.Tensor:
        """(N, K, m) logits → (N,) final scores; see :meth:`combine_scores`."""
        return self.combine_scores(self.judge_scores(logits), difficulty)

    def loss(self, feats: torch.Tensor, data_samples: List,
             num_clips: int = 1) -> Dict[str, torch.Tensor]:
        """Σ_k KL(p_k ‖ p̂_k) against the samples' judge scores.

        Args:
            feats (Tensor): Feature, leading axis N·num_clips.
            data_samples (list[ActionDataSample]): With ``judge_key`` (K,).
            num_clips (int): Clips per sample. Defaults to 1.

        Returns:
            dict[str, Tensor]: ``loss_kl``, summed over the judges.
        """
        logits = self(feats, num_clips)                         # [N, K, m]
        judges = sample_field(data_samples, self.judge_key, 'MUSDLHead',
                              logits)                           # [N, K]
        if judges.shape != logits.shape[:2]:
            raise ValueError(f'MUSDLHead: {self.judge_key!r} must hold '
                             f'{self.num_judges} scores per sample, got '
                             f'shape {tuple(judges.shape[1:])}')
        target = gaussian_score_distribution(judges, self.bins, self.sigma)
        return dict(loss_kl=sum(
            distribution_kl(logits[:, k], target[:, k])
            for k in range(self.num_judges)))

    def predict(self, feats: torch.Tensor, data_samples: List,
                num_clips: int = 1) -> List:
        """Attach ``pred_aqa_score`` and the K ``pred_judge_scores``.

        Args:
            feats (Tensor): Feature, leading axis N·num_clips.
            data_samples (list[ActionDataSample]): Samples to fill; with
                ``difficulty_key`` under the trimmed combination.
            num_clips (int): Clips per sample. Defaults to 1.

        Returns:
            list[ActionDataSample]: The same samples.
        """
        judges = self.judge_scores(self(feats, num_clips).detach())
        difficulty = None
        if self.combine == 'trimmed_sum_times_difficulty':
            difficulty = sample_field(data_samples, self.difficulty_key,
                                      'MUSDLHead', judges)
        pred = self.combine_scores(judges, difficulty)
        for sample, per_judge in zip(data_samples, judges):
            sample.set_field(per_judge.float().cpu(), 'pred_judge_scores')
        return attach_scores(data_samples, pred)
