"""SkeletonAssessor: skeleton sequence → backbone → score head."""
import torch

from aqa_mm.registry import MODELS
from .clip_assessor import ClipAssessor


@MODELS.register_module()
class SkeletonAssessor(ClipAssessor):
    """Score a skeleton sequence: any mmaction2 GCN backbone plus a head.

    The AQA counterpart of mmaction2's ``RecognizerGCN``: same inputs, but a
    regression head and float targets (``gt_score``) instead of labels.
    Inputs are (N, num_clips, M, T, V, C); ``forward`` is mmengine's
    three-mode forward (see :class:`ClipAssessor`).

    Args:
        backbone (dict): Backbone config, e.g. ``dict(type='STGCN', ...)``;
            it takes (N·num_clips, M, T, V, C).
        head (dict): Head config, e.g. ``dict(type='AQARegressionHead')``.
        data_preprocessor (dict, optional): Defaults to
            ``dict(type='ActionDataPreprocessor')``.
        init_cfg (dict, optional): Weight init. Defaults to None.
    """

    clip_layout = 'M, T, V, C'

    def check_inputs(self, inputs: torch.Tensor) -> None:
        """Check the joint count against the backbone's graph, if any.

        Args:
            inputs (Tensor): (N, num_clips, M, T, V, C).

        Raises:
            ValueError: When V differs from the graph's number of nodes.
        """
        graph = getattr(self.backbone, 'graph', None)
        if graph is not None and inputs.shape[-2] != graph.num_node:
            raise ValueError(
                f'skeletons have {inputs.shape[-2]} joints (inputs '
                f'{tuple(inputs.shape)}) but the backbone graph '
                f"'{getattr(graph, 'layout', '?')}' has {graph.num_node}; "
                'set graph_cfg.layout to match the data')
