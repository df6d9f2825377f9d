"""SequenceAssessor: score a video from its cached clip-feature sequence."""
from typing import Dict, Optional, Tuple

import torch

from aqa_mm.registry import MODELS
from .base_assessor import BaseAssessor


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Average the real clips of each sample.

    Args:
        x (Tensor): (N, T, C).
        mask (Tensor): (N, T) bool, True on real clips.

    Returns:
        Tensor: (N, C).
    """
    weights = mask.to(x.dtype)[..., None]                       # [N, T, 1]
    return (x * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1)


@MODELS.register_module()
class SequenceAssessor(BaseAssessor):
    """A score head over per-clip features computed elsewhere (T_i, C).

    Inputs are ``inputs[key]`` (N, L, C) with ``inputs[key + '_mask']``
    (N, L), from :class:`~aqa_mm.models.data_preprocessors.
    SequenceDataPreprocessor`. Two kinds of head:

    * ``temporal_pool='mean'``: the real clips are averaged into (N, C) and
      the head takes that, e.g. ``AQARegressionHead`` — 2M-AF's RGB-stream
      head (clip features averaged, then an FC layer);
    * ``temporal_pool=None``: the head takes the sequence and its mask,
      ``head.loss(x, data_samples, mask=mask)``, e.g. :class:`GDLTHead`.

    Args:
        head (dict): Head config.
        temporal_pool (str, optional): ``'mean'`` or None. Defaults to None.
        key (str): Input key. Defaults to ``'feat_rgb'``.
        data_preprocessor (dict, optional): Defaults to
            ``dict(type='SequenceDataPreprocessor', keys=(key,))``.
        init_cfg (dict, optional): Weight init. Defaults to None.
    """

    def __init__(self,
                 head: dict,
                 temporal_pool: Optional[str] = None,
                 key: str = 'feat_rgb',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if temporal_pool not in (None, 'mean'):
            raise ValueError("SequenceAssessor: temporal_pool must be 'mean' "
                             f'or None, got {temporal_pool!r}')
        super().__init__(
            data_preprocessor=data_preprocessor or dict(
                type='SequenceDataPreprocessor', keys=(key, )),
            init_cfg=init_cfg)
        self.head = MODELS.build(head)
        self.temporal_pool = temporal_pool
        self.key = key

    def head_inputs(self, inputs: Dict[str, torch.Tensor]
                    ) -> Tuple[tuple, dict]:
        """The pooled features, or the sequence and its mask.

        Args:
            inputs (dict[str, Tensor]): ``key`` (N, L, C) and
                ``key + '_mask'`` (N, L).

        Returns:
            tuple[tuple, dict]: No positional arguments, and
            ``dict(feats=(N, C))`` (``temporal_pool='mean'``) or
            ``dict(x=(N, L, C), mask=(N, L))``.
        """
        mask_key = f'{self.key}_mask'
        if not isinstance(inputs, dict) or self.key not in inputs \
                or mask_key not in inputs:
            got = sorted(inputs) if isinstance(inputs, dict) else type(inputs)
            raise KeyError(f'SequenceAssessor needs inputs {self.key!r} and '
                           f'{mask_key!r} (SequenceDataPreprocessor); got '
                           f'{got}')
        x, mask = inputs[self.key], inputs[mask_key]
        if x.dim() != 3 or mask.shape != x.shape[:2]:
            raise ValueError(f'inputs[{self.key!r}] must be (N, T, C) with a '
                             f'(N, T) mask, got {tuple(x.shape)} and '
                             f'{tuple(mask.shape)}')
        if self.temporal_pool == 'mean':
            return (), dict(feats=masked_mean(x, mask))           # [N, C]
        return (), dict(x=x, mask=mask)

    def head_tensor(self, args: tuple, kwargs: dict) -> torch.Tensor:
        """The head's raw output, its inputs given by position."""
        return self.head(*args, *kwargs.values())
