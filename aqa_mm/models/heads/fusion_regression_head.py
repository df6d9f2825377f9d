"""FusionRegressionHead: concat the chosen streams' features, one FC."""
from typing import Dict, Optional, Sequence

import torch

from aqa_mm.registry import MODELS
from .regression_head import AQARegressionHead


@MODELS.register_module()
class FusionRegressionHead(AQARegressionHead):
    """Regress a score from the concat of some streams' features.

    With ``streams=('skeleton', 'rgb')`` this is the paper's simple fusion
    "SF" (Table 4) / "MLP" (Table 8, setting A): concat(F^s, F^r) → FC. With
    one stream it is that stream alone on the same features, the RGB-only
    and skeleton-only baselines of Table 4, e.g. on cached features.

    Args:
        channels (dict[str, int]): Stream name → C of its feature, e.g.
            ``dict(skeleton=256, rgb=1024)``.
        streams (Sequence[str]): Streams to concatenate, in order. Defaults
            to ``('skeleton', 'rgb')``.
        **kwargs: :class:`AQARegressionHead` arguments (``loss_weights``,
            ``dropout``, ``score_mean``, ``score_std``, ``init_cfg``).
    """

    def __init__(self,
                 channels: Optional[Dict[str, int]] = None,
                 streams: Sequence[str] = ('skeleton', 'rgb'),
                 **kwargs) -> None:
        channels = channels or dict(skeleton=256, rgb=1024)
        missing = [s for s in streams if s not in channels]
        if not streams or missing:
            raise ValueError(f'streams {tuple(streams)} must be non-empty '
                             f'keys of channels {channels}')
        self.streams = tuple(streams)
        self.input_channels = {s: channels[s] for s in self.streams}
        super().__init__(in_channels=sum(channels[s] for s in self.streams),
                         **kwargs)
        self.input_channels = {s: channels[s] for s in self.streams}

    def forward(self, feats: Dict[str, torch.Tensor],
                num_clips: int = 1) -> torch.Tensor:
        """Standardised scores from the concatenated features.

        Args:
            feats (dict[str, Tensor]): Stream name → (N, C) feature.
            num_clips (int): Unused (features are already clip-averaged).

        Returns:
            Tensor: (N,).
        """
        parts = []
        for s, c in self.input_channels.items():
            if s not in feats:
                raise KeyError(f'{type(self).__name__} needs feature {s!r}; '
                               f'got {sorted(feats)}')
            if feats[s].dim() != 2 or feats[s].shape[1] != c:
                raise ValueError(f'feature {s!r} must be (N, {c}), got '
                                 f'{tuple(feats[s].shape)}')
            parts.append(feats[s])
        return super().forward(torch.cat(parts, dim=1))
