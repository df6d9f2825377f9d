"""SequenceAssessor: score a video from its cached clip-feature sequence."""
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModel

from aqa_mm.registry import MODELS


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
class SequenceAssessor(BaseModel):
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

    def _head_args(self, inputs: Dict[str, torch.Tensor]) -> dict:
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
            return dict(feats=masked_mean(x, mask))               # [N, C]
        return dict(x=x, mask=mask)

    def forward(self,
                inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List] = None,
                mode: str = 'tensor') -> Union[Dict, List, torch.Tensor]:
        """mmengine's three-mode forward.

        Args:
            inputs (dict[str, Tensor]): See the class docstring.
            data_samples (list[ActionDataSample], optional): Targets.
            mode (str): ``'loss'``, ``'predict'`` or ``'tensor'``.

        Returns:
            dict | list | Tensor: Losses; filled samples; or the head's raw
            output.
        """
        if mode not in ('loss', 'predict', 'tensor'):
            raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', "
                             f'got {mode!r}')
        args = self._head_args(inputs)
        if mode == 'loss':
            return self.head.loss(data_samples=data_samples, **args)
        if mode == 'predict':
            return self.head.predict(data_samples=data_samples, **args)
        return self.head(*args.values())
