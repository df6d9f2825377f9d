"""RGBAssessor: video clips -> 3D-CNN backbone -> clip average -> score."""
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmengine.model import BaseModel

from aqa_mm.registry import MODELS


@MODELS.register_module()
class RGBAssessor(BaseModel):
    """Score a video from n clips: the RGB stream of 2M-AF (paper §3.2).

    Every clip of every sample goes through the backbone in one batch; the
    head averages the clip features into F^r (N, C) and regresses the score,
    as CoRe does with its ten I3D clips. The AQA counterpart of mmaction2's
    ``Recognizer3D``, with float targets (``gt_score``).

    Pipeline: ``DecordClips`` (or mmaction2's ``DecordInit`` /
    ``SampleFrames`` / ``DecordDecode``), ``Resize``, a crop,
    ``FormatShape('NCTHW')`` and ``PackAQAInputs`` give each sample
    (num_clips, C, T, H, W).

    Args:
        backbone (dict): e.g. ``dict(type='I3D')`` (1024-d, pooled) or
            mmaction2's ``dict(type='ResNet3d', ...)`` (a 2048-channel map,
            pooled by the head). It takes (N·num_clips, C, T, H, W).
        head (dict): e.g. ``dict(type='AQARegressionHead',
            in_channels=1024)``.
        data_preprocessor (dict, optional): Defaults to mapping uint8 to
            [-1, 1], what the Kinetics I3D weights expect:
            ``dict(type='ActionDataPreprocessor', mean=[127.5] * 3,
            std=[127.5] * 3, format_shape='NCTHW')``.
        init_cfg (dict, optional): Weight init. Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor or dict(
                type='ActionDataPreprocessor', mean=[127.5] * 3,
                std=[127.5] * 3, format_shape='NCTHW'),
            init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head)

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, int]:
        """Run the backbone on every clip.

        Args:
            inputs (Tensor): (N, num_clips, C, T, H, W).

        Returns:
            tuple[Tensor, int]: The backbone output with leading axis
            N·num_clips ((N·num_clips, 1024) for I3D), and num_clips.
        """
        if inputs.dim() != 6:
            raise ValueError('RGBAssessor expects inputs of shape '
                             '(N, num_clips, C, T, H, W), got '
                             f'{tuple(inputs.shape)}')
        num_clips = inputs.shape[1]
        clips = inputs.reshape((-1, ) + inputs.shape[2:])  # [N*n, C, T, H, W]
        return self.backbone(clips), num_clips

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List] = None,
                mode: str = 'tensor') -> Union[Dict, List, torch.Tensor]:
        """mmengine's three-mode forward.

        Args:
            inputs (Tensor): (N, num_clips, C, T, H, W), normalised.
            data_samples (list[ActionDataSample], optional): Targets.
            mode (str): ``'loss'``, ``'predict'`` or ``'tensor'``.

        Returns:
            dict | list | Tensor: Losses, filled samples, or scores (N,).
        """
        if mode not in ('loss', 'predict', 'tensor'):
            raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', "
                             f'got {mode!r}')
        feats, num_clips = self.extract_feat(inputs)
        if mode == 'loss':
            return self.head.loss(feats, data_samples, num_clips=num_clips)
        if mode == 'predict':
            return self.head.predict(feats, data_samples, num_clips=num_clips)
        return self.head.to_score(self.head(feats, num_clips=num_clips))
