"""FeatureQueue: MoCo's dictionary of negatives, a ring buffer of features.

He et al., "Momentum Contrast for Unsupervised Visual Representation
Learning" (CVPR 2020, https://arxiv.org/abs/1911.05722), §3.2: the keys of
the last K samples are kept, the newest batch replacing the oldest, so the
negatives of InfoNCE are many more than one batch holds. SkeletonCLR,
CrosSCLR and AimCLR use it on skeletons.

Each entry also keeps the dataset index of the sample it came from (-1 when
unknown), so that the stale key of a query's own sample, pushed one pass
earlier, can be left out of its negatives: on a small dataset (NW-UCLA has
1,020 training sequences) a queue of about one pass holds one for almost
every query.
"""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F


class FeatureQueue(nn.Module):
    """A first-in first-out buffer of K L2-normalised C-d features.

    The features start as random unit vectors (as MoCo's), the ids as -1.
    All three tensors are buffers: they are saved in checkpoints and
    restored on resume.

    Args:
        size (int): K, the number of entries.
        channels (int): C, the feature size.
    """

    def __init__(self, size: int, channels: int) -> None:
        super().__init__()
        if size < 1 or channels < 1:
            raise ValueError(f'FeatureQueue: size and channels must be >= 1, '
                             f'got {size} and {channels}')
        self.size = size
        self.register_buffer('feats',
                             F.normalize(torch.randn(size, channels), dim=1))
        self.register_buffer('ids', torch.full((size, ), -1,
                                               dtype=torch.long))
        self.register_buffer('ptr', torch.zeros((), dtype=torch.long))

    @torch.no_grad()
    def push(self, feats: torch.Tensor,
             ids: Optional[torch.Tensor] = None) -> None:
        """Replace the oldest entries by ``feats`` (normalised, detached).

        Args:
            feats (Tensor): (B, C). When B > K only the last K are kept.
            ids (Tensor, optional): (B,) dataset indices of the samples.
                Defaults to None (stored as -1: never excluded).
        """
        if feats.dim() != 2 or feats.shape[1] != self.feats.shape[1]:
            raise ValueError(f'FeatureQueue expects (B, '
                             f'{self.feats.shape[1]}) features, got '
                             f'{tuple(feats.shape)}')
        if ids is None:
            ids = torch.full((feats.shape[0], ), -1, dtype=torch.long)
        if ids.shape != feats.shape[:1]:
            raise ValueError(f'FeatureQueue: {feats.shape[0]} features but '
                             f'ids of shape {tuple(ids.shape)}')
        feats, ids = feats[-self.size:], ids[-self.size:]
        slots = (self.ptr + torch.arange(feats.shape[0],
                                         device=self.ptr.device)) % self.size
        self.feats[slots] = F.normalize(feats.detach(), dim=1).to(
            self.feats.dtype)
        self.ids[slots] = ids.to(self.ids.device, torch.long)
        self.ptr.copy_((self.ptr + feats.shape[0]) % self.size)

    def same_sample(self, ids: Optional[torch.Tensor]) -> Optional[
            torch.Tensor]:
        """Which entries come from the same sample as each query.

        Args:
            ids (Tensor, optional): (N,) dataset indices of the queries;
                negative ids match nothing.

        Returns:
            Tensor | None: (N, K) bool, True where entry k holds a key of
            query n's sample; None when ``ids`` is None.
        """
        if ids is None:
            return None
        ids = ids.to(self.ids.device)
        return (ids[:, None] == self.ids[None, :]) & (ids[:, None] >= 0)
