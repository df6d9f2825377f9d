"""SMEGCN: the skeleton encoder of 2M-AF (SME-GCN, paper §3.1).

The graph-convolution part of CTR-GCN (Chen et al., "Channel-wise Topology
Refinement Graph Convolution for Skeleton-Based Action Recognition",
ICCV 2021, https://github.com/Uason-Chen/CTR-GCN), then global average
pooling and one FC layer to the feature size C^s. Blocks live in
``ctrgcn_utils.py``; this file only composes them.
"""
import math
from typing import Optional, Union

import torch
import torch.nn as nn
from mmaction.models.utils import Graph
from mmengine.model import BaseModule

from aqa_mm.registry import MODELS
from .ctrgcn_utils import TCNGCNUnit

# CTR-GCN's 10 units: channels double and time halves at units 5 and 8.
NUM_STAGES = 10
INFLATE_STAGES = (5, 8)


@MODELS.register_module()
class SMEGCN(BaseModule):
    """CTR-GCN encoder with a projection to a C^s-dimensional feature.

    ``data_bn`` (BatchNorm1d over M·V·C) on the input, then 10 TCN-GCN units
    with channels base, base, base, base, 2·base (stride 2), 2·base, 2·base,
    4·base (stride 2), 4·base, 4·base; the first has no residual. For COCO-17,
    M = 1 and C = 3 this part has 1,420,974 parameters, exactly CTR-GCN's.
    State-dict keys are CTR-GCN's (``data_bn.*``, ``l1.*`` … ``l10.*``,
    ``fc.*``), so its checkpoints load directly (the FC only if the sizes
    match). Internally the units run on (N·M, C, V, T) maps, joints before
    time, which makes training about 1.2× faster than CTR-GCN's layout with
    the same outputs (``benchmarks/bench_encoder_throughput.py``).

    Three outputs:

    - ``forward(x)`` with ``out_type='feature'``: the paper's encoder
      feature, (N, C^s): the map averaged over M, T and V, then dropout and
      the FC layer.
    - ``forward_map(x)`` (and ``forward(x)`` with ``out_type='map'``): the
      map before pooling, (N, M, 4·base, T', V) with T' = ceil(T / 4), the
      layout of mmaction2's ``STGCN`` that its ``GCNHead`` pools.
    - ``forward_pooled(x)``: that map averaged over M, T' and V,
      (N, 4·base), before the FC layer (either ``out_type``).

    Args:
        graph_cfg (dict, optional): mmaction2 ``Graph`` config. Its
            ``'spatial'`` mode gives CTR-GCN's three normalised subsets
            (identity, inward, outward). Defaults to
            ``dict(layout='coco', mode='spatial')``.
        in_channels (int): C, e.g. 3 for (x, y, score). Defaults to 3.
        num_person (int): M; ``data_bn`` normalises M·V·C features, so
            inputs must have exactly M persons. Defaults to 1.
        base_channels (int): Channels of the first units. Defaults to 64.
        out_channels (int): C^s, the FC output in ``'feature'`` mode.
            Defaults to 256, the skeleton feature size of the authors' code
            (its fusion MLP takes 256 + 64 inputs) and the map's width.
        dropout (float): Dropout before the FC layer. Defaults to 0.
        out_type (str): ``'feature'`` (N, C^s) or ``'map'``
            (N, M, C', T', V), which builds no FC layer. Defaults to
            ``'feature'``.
        frozen (bool): A strict linear probe: no parameter gets gradients
            and every BatchNorm stays in eval mode, so neither the weights
            nor the running statistics change in training. Defaults to
            False.
        init_cfg (dict | list[dict], optional): e.g.
            ``dict(type='Pretrained', checkpoint=..., prefix='backbone.')``.
            Without it, the weights follow CTR-GCN's init. Defaults to None.
    """

    def __init__(self,
                 graph_cfg: Optional[dict] = None,
                 in_channels: int = 3,
                 num_person: int = 1,
                 base_channels: int = 64,
                 out_channels: int = 256,
                 dropout: float = 0.0,
                 out_type: str = 'feature',
                 frozen: bool = False,
                 init_cfg: Optional[Union[dict, list]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if out_type not in ('feature', 'map'):
            raise ValueError(f"out_type must be 'feature' or 'map', got "
                             f'{out_type!r}')
        graph_cfg = graph_cfg or dict(layout='coco', mode='spatial')
        self.graph = Graph(**graph_cfg)
        layout = graph_cfg.get('layout', 'coco')
        self.layout_name = layout if isinstance(layout, str) else 'custom'
        A = torch.tensor(self.graph.A, dtype=torch.float32)  # [K, V, V]
        self.in_channels, self.num_person = in_channels, num_person
        self.out_type = out_type

        self.data_bn = nn.BatchNorm1d(num_person * A.shape[1] * in_channels)
        c_in, c_out = in_channels, base_channels
        for i in range(1, NUM_STAGES + 1):
            stride = 1
            if i in INFLATE_STAGES:
                c_out, stride = c_out * 2, 2
            self.add_module(f'l{i}', TCNGCNUnit(c_in, c_out, A, stride,
                                                residual=i > 1))
            c_in = c_out
        self.feat_channels = c_out
        if out_type == 'feature':
            self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
            self.fc = nn.Linear(c_out, out_channels)
            nn.init.normal_(self.fc.weight, 0, math.sqrt(2. / out_channels))
        self.frozen = frozen
        if frozen:
            self.requires_grad_(False)

    def train(self, mode: bool = True) -> 'SMEGCN':
        """Set train mode; a ``frozen`` encoder stays in eval mode."""
        return super().train(mode and not self.frozen)

    def _check_input(self, x: torch.Tensor) -> None:
        """Raise a ValueError naming the expected (N, M, T, V, C)."""
        V = self.graph.num_node
        if x.dim() != 5 or tuple(x.shape[i] for i in (1, 3, 4)) != (
                self.num_person, V, self.in_channels):
            raise ValueError(
                f'SMEGCN expects (N, M, T, V, C) with M={self.num_person}, '
                f"V={V} (graph '{self.layout_name}'), C={self.in_channels},"
                f' got {tuple(x.shape)}')

    def forward_map(self, x: torch.Tensor) -> torch.Tensor:
        """The feature map before pooling.

        Args:
            x (Tensor): Skeletons, (N, M, T, V, C).

        Returns:
            Tensor: (N, M, C', T', V) with C' = 4·base_channels and
            T' = ceil(T / 4).
        """
        return self._forward_units(x).transpose(-1, -2).contiguous()

    def _forward_units(self, x: torch.Tensor) -> torch.Tensor:
        """data_bn and the units; returns (N, M, C', V, T'), joints first."""
        self._check_input(x)
        N, M, T, V, C = x.shape
        x = x.permute(0, 1, 3, 4, 2).reshape(N, M * V * C, T)
        x = self.data_bn(x)                                  # [N, M*V*C, T]
        x = x.view(N, M, V, C, T).transpose(2, 3)
        x = x.reshape(N * M, C, V, T)                        # [N*M, C, V, T]
        for i in range(1, NUM_STAGES + 1):
            x = getattr(self, f'l{i}')(x)                    # [N*M, C', V, T']
        return x.view(N, M, *x.shape[1:])                   # [N, M, C', V, T']

    def forward_pooled(self, x: torch.Tensor) -> torch.Tensor:
        """The globally pooled map, before dropout and ``fc``.

        The features a finetuning head sees (``GCNHead`` pools the map the
        same way), not the pretraining projection; what the representation
        evaluation (kNN, linear probe) should look at.

        Args:
            x (Tensor): Skeletons, (N, M, T, V, C).

        Returns:
            Tensor: (N, C') with C' = 4·base_channels, the map averaged
            over persons, joints and time.
        """
        return self._forward_units(x).mean(dim=(1, 3, 4))    # [N, C']

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Encode skeletons.

        Args:
            x (Tensor): Skeletons, (N, M, T, V, C).

        Returns:
            Tensor: (N, C^s) for ``out_type='feature'``, else the map
            (N, M, C', T', V) of :meth:`forward_map`.
        """
        if self.out_type == 'map':
            return self.forward_map(x)
        x = self.forward_pooled(x)                           # [N, C']
        return self.fc(self.drop(x))                         # [N, C^s]
