"""ClipAssessor: what the single-stream assessors share.

:class:`RGBAssessor` and :class:`SkeletonAssessor` both run every clip of
every sample through a backbone in one batch and let the head average the
clips and regress the score; they differ in the input layout, the default
data preprocessor and the input checks. The forward is
:class:`BaseAssessor`'s. Not registered.
"""
import copy
from typing import Optional, Tuple

import torch

from aqa_mm.registry import MODELS
from .base_assessor import BaseAssessor


class ClipAssessor(BaseAssessor):
    """Backbone on (N·num_clips, ...) clips, then a clip-averaging head.

    Args:
        backbone (dict): Backbone config; it takes (N·num_clips, ...).
        head (dict): Head config with ``loss`` / ``predict`` / ``to_score``
            and a ``num_clips`` argument, e.g.
            ``dict(type='AQARegressionHead')``.
        data_preprocessor (dict, optional): Defaults to the subclass's
            :attr:`default_preprocessor`.
        init_cfg (dict, optional): Weight init. Defaults to None.
    """

    #: Axes of one clip after (N, num_clips), named in the shape error.
    clip_layout: str = '...'
    #: Data preprocessor used when none is given.
    default_preprocessor: dict = dict(type='ActionDataPreprocessor')

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor
            or copy.deepcopy(self.default_preprocessor),
            init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head)

    def check_inputs(self, inputs: torch.Tensor) -> None:
        """Further checks of (N, num_clips, ...) inputs (none here).

        Args:
            inputs (Tensor): The 6-D model input.

        Raises:
            ValueError: In subclasses, for inputs the backbone cannot take.
        """

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, int]:
        """Run the backbone on every clip.

        Args:
            inputs (Tensor): (N, num_clips, ...), six axes in all.

        Returns:
            tuple[Tensor, int]: The backbone output with leading axis
            N·num_clips, and num_clips.
        """
        if inputs.dim() != 6:
            raise ValueError(f'{type(self).__name__} expects inputs of shape '
                             f'(N, num_clips, {self.clip_layout}), got '
                             f'{tuple(inputs.shape)}')
        self.check_inputs(inputs)
        num_clips = inputs.shape[1]
        clips = inputs.reshape((-1, ) + inputs.shape[2:])  # [N*n, ...]
        return self.backbone(clips), num_clips

    def head_inputs(self, inputs: torch.Tensor) -> Tuple[tuple, dict]:
        """The clip features and ``num_clips`` (see :meth:`extract_feat`).

        Args:
            inputs (Tensor): (N, num_clips, ...), as the preprocessor gives.

        Returns:
            tuple[tuple, dict]: ``(feats, )`` and ``dict(num_clips=n)``.
        """
        feats, num_clips = self.extract_feat(inputs)
        return (feats, ), dict(num_clips=num_clips)

    def head_tensor(self, args: tuple, kwargs: dict) -> torch.Tensor:
        """Scores (N,) on the score scale."""
        return self.head.to_score(self.head(*args, **kwargs))
