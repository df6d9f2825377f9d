"""Building blocks of :class:`CoReHead`: score-difference groups and the
group-aware regression tree.

Yu et al., "Group-aware Contrastive Regression for Action Quality
Assessment", ICCV 2021, the group-aware regression tree (code read:
https://github.com/yuxumin/CoRe, ``utils/Group_helper.py`` and
``models/RegressTree.py``):

* groups: the differences δ = s_n − s_m are split into L = 2^(d−1) groups,
  symmetric about 0. The positive half [0, ε] is cut into L/2 intervals at
  quantiles of the training set's pairwise |δ| (:func:`difference_group_
  bounds`); the negative half mirrors it. A δ ≥ 0 lies in [left, right),
  a δ < 0 in (left, right]; its regression target is its relative
  position (δ − left) / (right − left) (:func:`assign_groups`);
* the tree: a binary tree of depth d whose inner nodes are 2-way
  classifiers; a leaf's probability is the product of the branch
  probabilities on its path, and each leaf regresses the position inside
  its group (:class:`GroupRegressionTree`);
* the difference: left + (right − left)·position of the most probable leaf
  (:func:`decode_groups`).
"""
from itertools import combinations
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


def difference_group_bounds(scores: Sequence[float], num_leaves: int,
                            score_range: float,
                            class_ids: Optional[Sequence[int]] = None
                            ) -> Tuple[float, ...]:
    """The paper's bounds of the positive half: quantiles of |δ|.

    With T sorted pairwise |δ| (pairs of the same class when ``class_ids``
    is given), the bounds are 0, |δ|_(⌊i/(L/2)·(T−1)⌋) for i = 1..L/2−1,
    and ε (CoRe's ``Group_helper`` with ``Min=0, Max=score_range``).

    Args:
        scores (Sequence[float]): Training scores, >= 2.
        num_leaves (int): L, even.
        score_range (float): ε, the outer bound.
        class_ids (Sequence[int], optional): Class of each score.

    Returns:
        tuple[float, ...]: L/2 + 1 non-decreasing bounds.
    """
    classes = [0] * len(scores) if class_ids is None else list(class_ids)
    deltas = sorted(abs(float(a) - float(b)) for (a, ca), (b, cb) in
                    combinations(zip(scores, classes), 2) if ca == cb)
    if not deltas:
        raise ValueError('difference_group_bounds needs two scores of one '
                         'class')
    half, last = num_leaves // 2, len(deltas) - 1
    inner = [deltas[int(i / half * last)] for i in range(1, half)]
    return (0.0, *[min(b, score_range) for b in inner], float(score_range))


def group_intervals(bounds: torch.Tensor) -> torch.Tensor:
    """(left, right) of every group, the negative half mirroring the positive.

    Args:
        bounds (Tensor): (L/2 + 1,) bounds of the positive half.

    Returns:
        Tensor: (L, 2); group L/2 + i is [b_i, b_{i+1}], group L/2 − 1 − i
        is [−b_{i+1}, −b_i].
    """
    pos = torch.stack([bounds[:-1], bounds[1:]], dim=1)          # [L/2, 2]
    neg = torch.stack([-bounds[1:], -bounds[:-1]], dim=1).flip(0)
    return torch.cat([neg, pos])


def assign_groups(delta: torch.Tensor, bounds: torch.Tensor
                  ) -> Tuple[torch.Tensor, torch.Tensor]:
    """The group of each δ and its relative position in the group.

    A |δ| beyond ε goes to an outer group (its position then exceeds 1); a
    group of zero width takes the position δ − left (CoRe's code).

    Args:
        delta (Tensor): (P,) score differences.
        bounds (Tensor): (L/2 + 1,) bounds of the positive half.

    Returns:
        tuple[Tensor, Tensor]: Long labels (P,) in [0, L) and float
        positions (P,).
    """
    half = len(bounds) - 1
    # i with b_i <= |δ| < b_{i+1}: δ >= 0 → [left, right), δ < 0 → (l, r]
    idx = torch.searchsorted(bounds[1:-1].contiguous(),
                             delta.abs().contiguous(), right=True)
    labels = torch.where(delta >= 0, half + idx, half - 1 - idx)
    left, right = group_intervals(bounds)[labels].unbind(dim=1)
    width = right - left
    pos = torch.where(width > 0, (delta - left) / width.clamp(min=1e-12),
                      delta - left)
    return labels, pos


def decode_groups(leaf_log_probs: torch.Tensor, positions: torch.Tensor,
                  bounds: torch.Tensor) -> torch.Tensor:
    """δ̂ = left + width·position of the most probable leaf.

    Args:
        leaf_log_probs (Tensor): (P, L) log-probabilities.
        positions (Tensor): (P, L) regressed positions.
        bounds (Tensor): (L/2 + 1,) bounds of the positive half.

    Returns:
        Tensor: (P,) differences.
    """
    leaf = leaf_log_probs.argmax(dim=1)                         # [P]
    left, right = group_intervals(bounds)[leaf].unbind(dim=1)
    pos = positions.gather(1, leaf[:, None]).squeeze(1)
    width = right - left
    return torch.where(width > 0, left + width * pos, left + pos)


class GroupRegressionTree(nn.Module):
    """A binary tree of classifiers with one regressor per leaf.

    FC(C_in → H) + ReLU gives the root's feature; at depth k (2^k nodes)
    every node has a 2-way classifier and a layer (H → 2H, ReLU) giving its
    two children's features (grouped 1×1 convolutions, one group per node,
    as CoRe's ``RegressTree``). log P(leaf) is the sum of the log-softmax
    branch probabilities on its path; each of the L = 2^(depth−1) leaves
    regresses one position from its feature. Leaves are ordered left to
    right: leaf j's children are 2j and 2j + 1.

    Args:
        in_channels (int): C_in of the pair feature.
        hidden_channels (int): H. Defaults to 256.
        depth (int): d >= 2 (levels including the leaves). Defaults to 5.
    """

    def __init__(self, in_channels: int, hidden_channels: int = 256,
                 depth: int = 5) -> None:
        super().__init__()
        if depth < 2:
            raise ValueError(f'GroupRegressionTree: depth must be >= 2, got '
                             f'{depth}')
        self.depth, self.num_leaves = depth, 2 ** (depth - 1)
        h = hidden_channels
        self.root = nn.Sequential(nn.Linear(in_channels, h), nn.ReLU())
        self.classifiers = nn.ModuleList(
            nn.Conv1d(2 ** k * h, 2 ** k * 2, 1, groups=2 ** k)
            for k in range(depth - 1))
        self.branches = nn.ModuleList(
            nn.Sequential(nn.Conv1d(2 ** k * h, 2 ** k * 2 * h, 1,
                                    groups=2 ** k), nn.ReLU())
            for k in range(depth - 1))
        self.regressor = nn.Conv1d(self.num_leaves * h, self.num_leaves, 1,
                                   groups=self.num_leaves)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Leaf log-probabilities and positions.

        Args:
            x (Tensor): (P, C_in).

        Returns:
            tuple[Tensor, Tensor]: (P, L) log P(leaf), (P, L) positions.
        """
        p = len(x)
        node = self.root(x)[..., None]                          # [P, H, 1]
        log_prob = x.new_zeros(p, 1)                            # [P, 1]
        for classify, branch in zip(self.classifiers, self.branches):
            logits = classify(node).view(p, -1, 2)              # [P, 2^k, 2]
            log_prob = (F.log_softmax(logits, dim=-1)
                        + log_prob[..., None]).view(p, -1)      # [P, 2^k+1]
            node = branch(node)                       # [P, 2^(k+1)·H, 1]
        return log_prob, self.regressor(node).view(p, -1)
