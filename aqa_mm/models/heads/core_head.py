"""CoReHead: group-aware contrastive regression against training exemplars.

Our implementation of CoRe (X. Yu, Y. Rao, W. Zhao, J. Lu, J. Zhou,
"Group-aware Contrastive Regression for Action Quality Assessment", ICCV
2021; code read: https://github.com/yuxumin/CoRe). Over pooled features:

1. contrastive regression: the input n is scored relative to an
   exemplar m of the same class, ŝ_n = s_m + δ̂ with δ̂ regressed from the
   pair feature concat(f_n, f_m, s_m / ε);
2. group-aware regression tree (:mod:`.core_utils`): δ's group is
   classified by a binary tree (leaf probability = product of the branch
   probabilities) and the position inside the group regressed at the
   leaf; loss = NLL of the true group + Σ over groups of the MSE of the
   position, on the pairs in that group (CoRe's code);
3. inference: the mean of s_m + δ̂ over M exemplars (M = 10 in the paper).

Where exemplars come from (our design, for mmengine's loops): training
pairs are formed inside the batch (each sample with a random other sample
of its class; an :class:`ExemplarBank` row when the batch has none), and
every training batch's detached features, scores, classes and ids go into
the bank, one row per training sample. ``predict`` draws its M exemplars
from the bank, which only training-mode ``loss`` calls fill, so a test
sample is never an exemplar; the bank is a set of buffers, saved in every
checkpoint. The draw for a sample is seeded by ``seed`` and its
``frame_dir``, so its prediction does not depend on the batch. With frozen
features (imported or cached) the bank is exact; with a backbone trained
end to end a row holds the feature of the sample's last training step
(CoRe recomputes exemplar features with the current backbone). One bank
per process: ranks do not share rows.

Other differences from CoRe's code: a batch pair is used in one direction
per sample (each sample is an input once and an exemplar about once; CoRe
uses both directions of each drawn pair); CoRe's MTL-AQA variant that
regresses the execution score and multiplies by the difficulty is not
implemented (exemplars share the class, not the difficulty).
"""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule

from aqa_mm.registry import MODELS
from .core_utils import (GroupRegressionTree, assign_groups, decode_groups,
                         difference_group_bounds)
from .distribution_utils import (attach_scores, pooled_features,
                                 sample_field)
from .exemplar_bank import ExemplarBank, sample_key

GroupBounds = Union[None, Sequence[float], dict]


def resolve_group_bounds(group_bounds: GroupBounds, num_leaves: int,
                         score_range: float) -> Tuple[float, ...]:
    """The L/2 + 1 bounds of the positive half of the groups.

    Args:
        group_bounds (None | Sequence[float] | dict): None: L/2 equal
            intervals of [0, ε] (not the paper's); a sequence: the bounds
            themselves; ``dict(ann_file=..., split='train')``: the paper's
            quantiles of the pairwise |δ| (same class) of that split of an
            AQA annotation file (:func:`difference_group_bounds`).
        num_leaves (int): L.
        score_range (float): ε.

    Returns:
        tuple[float, ...]: Non-decreasing, from 0 to ε.
    """
    half = num_leaves // 2
    if group_bounds is None:
        return tuple(score_range * i / half for i in range(half + 1))
    if isinstance(group_bounds, dict):
        from aqa_mm.evaluation.protocol_runs import read_annotation
        ann_file, split = group_bounds['ann_file'], group_bounds['split']
        ann = read_annotation(ann_file)
        ids = set(ann.get('split', {}).get(split, ()))
        items = [a for a in ann.get('annotations', ())
                 if a.get('frame_dir') in ids and a.get('score') is not None]
        if len(items) < 2:
            raise ValueError(f'{ann_file}: split {split!r} has fewer than '
                             'two scored samples for the CoRe groups')
        return difference_group_bounds(
            [a['score'] for a in items], num_leaves, score_range,
            [a.get('class_id', 0) for a in items])
    bounds = tuple(float(b) for b in group_bounds)
    if len(bounds) != half + 1 or bounds[0] != 0 or any(
            b > c for b, c in zip(bounds, bounds[1:])):
        raise ValueError(f'CoReHead: group_bounds must be {half + 1} '
                         f'non-decreasing values from 0, got {bounds}')
    return bounds


@MODELS.register_module()
class CoReHead(BaseModule):
    """Contrastive regression of δ = s_n − s_m with a regression tree.

    Takes the features :class:`USDLHead` takes, pooled to (N, C).

    Args:
        in_channels (int): C of the feature.
        score_range (float): ε: the outer group bound (the largest |δ|
            expected) and the divisor of the exemplar score in the pair
            feature (CoRe's ``score_range``).
        depth (int): Tree depth d; L = 2^(d−1) groups. Defaults to 5.
        hidden_channels (int): Tree width H. Defaults to 256.
        group_bounds (None | Sequence[float] | dict): See
            :func:`resolve_group_bounds`. Defaults to None.
        num_exemplars (int): M, exemplars voting at test time. Defaults to
            10.
        bank_size (int): Rows of the exemplar bank; at least the training
            set's size. Defaults to 1024.
        same_class (bool): Pair only samples of one ``class_id``.
            Defaults to True.
        seed (int): Seed of the test-time exemplar draws. Defaults to 0.
        init_cfg (dict, optional): Weight init. Defaults to None.
    """

    def __init__(self,
                 in_channels: int,
                 score_range: float,
                 depth: int = 5,
                 hidden_channels: int = 256,
                 group_bounds: GroupBounds = None,
                 num_exemplars: int = 10,
                 bank_size: int = 1024,
                 same_class: bool = True,
                 seed: int = 0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if score_range <= 0 or num_exemplars < 1:
            raise ValueError(f'CoReHead: score_range must be > 0 and '
                             f'num_exemplars >= 1, got {score_range} and '
                             f'{num_exemplars}')
        self.in_channels = in_channels
        self.score_range = float(score_range)
        self.num_exemplars, self.same_class, self.seed = (
            num_exemplars, same_class, seed)
        self.tree = GroupRegressionTree(2 * in_channels + 1, hidden_channels,
                                        depth)
        self.bank = ExemplarBank(bank_size, in_channels)
        bounds = resolve_group_bounds(group_bounds, self.tree.num_leaves,
                                      self.score_range)
        self.register_buffer('bounds', torch.tensor(bounds))

    def pair_features(self, feat: torch.Tensor, ex_feat: torch.Tensor,
                      ex_score: torch.Tensor) -> torch.Tensor:
        """concat(f_n, f_m, s_m / ε): (P, C), (P, C), (P,) → (P, 2C + 1)."""
        return torch.cat([feat, ex_feat, ex_score[:, None] / self.score_range],
                         dim=1)

    def sample_meta(self, data_samples: List, like: torch.Tensor
                    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Classes (N,) (0 without ``class_id`` or ``same_class``) and keys."""
        classes = [int(s.get('class_id', 0)) if self.same_class else 0
                   for s in data_samples]
        keys = [sample_key(s.metainfo.get('frame_dir')) for s in data_samples]
        return (torch.tensor(classes, device=like.device),
                torch.tensor(keys, device=like.device))

    def training_pairs(self, feat: torch.Tensor, scores: torch.Tensor,
                       classes: torch.Tensor, keys: torch.Tensor
                       ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Each sample with a random other sample of its class.

        From the batch when it has one (both features keep their
        gradient), else from the bank; a sample with neither is left out.

        Returns:
            tuple[Tensor, Tensor, Tensor]: Input rows (P,), exemplar
            features (P, C) and scores (P,).
        """
        rows, ex_feats, ex_scores = [], [], []
        for i in range(len(feat)):
            mates = ((classes == classes[i]).nonzero().flatten())
            mates = mates[mates != i]
            if len(mates):
                j = mates[torch.randint(len(mates), ())]
                ex_feats.append(feat[j])
                ex_scores.append(scores[j])
            else:
                slot = self.bank.draw(1, int(classes[i]), int(keys[i]))
                if not len(slot):
                    continue
                ex_feats.append(self.bank.feats[slot[0]])
                ex_scores.append(self.bank.scores[slot[0]])
            rows.append(i)
        if not rows:
            return feat.new_zeros(0, dtype=torch.long), feat[:0], scores[:0]
        return (torch.tensor(rows, device=feat.device),
                torch.stack(ex_feats), torch.stack(ex_scores))

    def loss(self, feats: torch.Tensor, data_samples: List,
             num_clips: int = 1) -> Dict[str, torch.Tensor]:
        """Group classification + in-group regression on batch pairs.

        Args:
            feats (Tensor): Feature, leading axis N·num_clips.
            data_samples (list[ActionDataSample]): With ``gt_score`` (and
                ``class_id`` for class-wise pairs).
            num_clips (int): Clips per sample. Defaults to 1.

        Returns:
            dict[str, Tensor]: ``loss_cls`` and ``loss_reg`` (zero when no
            pair can be formed: one sample and an empty bank).
        """
        feat = pooled_features(self, feats, num_clips)            # [N, C]
        scores = sample_field(data_samples, 'gt_score', 'CoReHead', feat)
        classes, keys = self.sample_meta(data_samples, feat)
        rows, ex_feat, ex_score = self.training_pairs(feat, scores, classes,
                                                      keys)
        if self.training:
            self.bank.update(feat, scores, classes, keys)
        if not len(rows):
            zero = sum(p.sum() for p in self.tree.parameters()) * 0
            return dict(loss_cls=zero, loss_reg=zero)
        labels, pos = assign_groups(scores[rows] - ex_score, self.bounds)
        log_prob, reg = self.tree(self.pair_features(feat[rows], ex_feat,
                                                     ex_score))
        loss_reg = sum(F.mse_loss(reg[labels == g, g], pos[labels == g])
                       for g in labels.unique().tolist())
        return dict(loss_cls=F.nll_loss(log_prob, labels), loss_reg=loss_reg)

    def vote(self, feat: torch.Tensor, classes: Optional[torch.Tensor],
             keys: Sequence[int]) -> torch.Tensor:
        """Mean of s_m + δ̂ over M exemplars from the bank, per sample.

        Args:
            feat (Tensor): (N, C) pooled features.
            classes (Tensor, optional): (N,) classes; None for any class.
            keys (Sequence[int]): Sample keys seeding each draw.

        Returns:
            Tensor: (N,) scores.
        """
        out = []
        for n in range(len(feat)):
            cls = None if classes is None else int(classes[n])
            gen = torch.Generator().manual_seed(
                (self.seed * 1_000_003 + int(keys[n])) % (2 ** 63 - 1))
            slots = self.bank.draw(self.num_exemplars, cls, generator=gen)
            if not len(slots):
                raise RuntimeError(
                    f'CoReHead: the exemplar bank has no training sample of '
                    f'class {cls}; train first or load a checkpoint that '
                    'holds the bank')
            ex_feat, ex_score = self.bank.feats[slots], self.bank.scores[slots]
            log_prob, reg = self.tree(self.pair_features(
                feat[n].expand(len(slots), -1), ex_feat, ex_score))
            delta = decode_groups(log_prob, reg, self.bounds)     # [M]
            out.append((ex_score + delta).mean())
        return torch.stack(out)

    def forward(self, x: torch.Tensor, num_clips: int = 1) -> torch.Tensor:
        """Scores voted by bank exemplars of any class (no data samples).

        Args:
            x (Tensor): Feature, leading axis N·num_clips.
            num_clips (int): Clips per sample. Defaults to 1.

        Returns:
            Tensor: (N,) scores.
        """
        feat = pooled_features(self, x, num_clips)
        return self.vote(feat, None, range(len(feat)))

    def to_score(self, scores: torch.Tensor) -> torch.Tensor:
        """Identity: :meth:`forward` already gives scores."""
        return scores

    def predict(self, feats: torch.Tensor, data_samples: List,
                num_clips: int = 1) -> List:
        """Attach ``pred_aqa_score``, voted by M exemplars of its class.

        Args:
            feats (Tensor): Feature, leading axis N·num_clips.
            data_samples (list[ActionDataSample]): Samples to fill.
            num_clips (int): Clips per sample. Defaults to 1.

        Returns:
            list[ActionDataSample]: The same samples.
        """
        feat = pooled_features(self, feats, num_clips).detach()
        classes, keys = self.sample_meta(data_samples, feat)
        with torch.no_grad():
            pred = self.vote(feat, classes if self.same_class else None,
                             keys.tolist())
        return attach_scores(data_samples, pred)
