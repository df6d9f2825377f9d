"""SkeletonAssessor: skeleton sequence → backbone → score head."""
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModel

from aqa_mm.registry import MODELS


@MODELS.register_module()
class SkeletonAssessor(BaseModel):
    """Score a skeleton sequence: any mmaction2 GCN backbone plus a head.

    The AQA counterpart of mmaction2's ``RecognizerGCN``: same inputs, but a
    regression head and float targets (``gt_score``) instead of labels.

    Args:
        backbone (dict): Backbone config, e.g. ``dict(type='STGCN', ...)``;
            it takes (N·num_clips, M, T, V, C).
        head (dict): Head config, e.g. ``dict(type='AQARegressionHead')``.
        data_preprocessor (dict, optional): Defaults to
            ``dict(type='ActionDataPreprocessor')``.
        init_cfg (dict, optional): Weight init. Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor
            or dict(type='ActionDataPreprocessor'),
            init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head)

    def extract_feat(self, inputs: torch.Tensor) -> tuple:
        """Run the backbone on every clip.

        Args:
            inputs (Tensor): (N, num_clips, M, T, V, C).

        Returns:
            tuple[Tensor, int]: The backbone feature with leading axis
            N·num_clips, and num_clips.
        """
        if inputs.dim() != 6:
            raise ValueError('SkeletonAssessor expects inputs of shape '
                             f'(N, num_clips, M, T, V, C), got '
                             f'{tuple(inputs.shape)}')
        graph = getattr(self.backbone, 'graph', None)
        if graph is not None and inputs.shape[-2] != graph.num_node:
            raise ValueError(
                f'skeletons have {inputs.shape[-2]} joints (inputs '
                f'{tuple(inputs.shape)}) but the backbone graph '
                f"'{getattr(graph, 'layout', '?')}' has {graph.num_node}; "
                'set graph_cfg.layout to match the data')
        num_clips = inputs.shape[1]
        x = inputs.reshape((-1, ) + inputs.shape[2:])   # [N*clips, M, T, V, C]
        return self.backbone(x), num_clips

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List] = None,
                mode: str = 'tensor') -> Union[Dict, List, torch.Tensor]:
        """mmengine's three-mode forward.

        Args:
            inputs (Tensor): (N, num_clips, M, T, V, C).
            data_samples (list[ActionDataSample], optional): Targets.
            mode (str): ``'loss'``, ``'predict'`` or ``'tensor'``.

        Returns:
            dict | list | Tensor: Losses, filled samples, or scores (N,).
        """
        feats, num_clips = self.extract_feat(inputs)
        if mode == 'loss':
            return self.head.loss(feats, data_samples, num_clips=num_clips)
        if mode == 'predict':
            return self.head.predict(feats, data_samples, num_clips=num_clips)
        if mode == 'tensor':
            return self.head.to_score(self.head(feats, num_clips=num_clips))
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got "
                         f'{mode!r}')
