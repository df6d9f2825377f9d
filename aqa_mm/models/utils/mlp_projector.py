"""MLPProjector: the projection head of contrastive pretraining.

A small MLP between the encoder feature and the contrastive loss, thrown
away after pretraining, as in SimCLR (Chen et al., ICML 2020,
https://arxiv.org/abs/2002.05709, §4.2: the representation before the
nonlinear head transfers better) and MoCo v2 (Chen et al., 2020,
https://arxiv.org/abs/2003.04297). SkeletonCLR / CrosSCLR / AimCLR use the
same idea on ST-GCN: Linear(256, 256), ReLU, Linear(256, 128).
"""
import torch
import torch.nn as nn

from aqa_mm.registry import MODELS


@MODELS.register_module()
class MLPProjector(nn.Module):
    """Linear-BN-ReLU-...-Linear on (N, C) features.

    ``num_layers`` linear layers: ``in_channels → hidden_channels → ... →
    hidden_channels → out_channels``; each but the last is followed by
    BatchNorm1d (with ``norm``) and ReLU. A linear layer followed by BN has
    no bias (BN's shift replaces it). ``num_layers=1`` is one linear layer.

    Args:
        in_channels (int): Input feature size C_in.
        hidden_channels (int): Width of the hidden layers.
        out_channels (int): Output feature size C_out.
        num_layers (int): Number of linear layers, >= 1. Defaults to 2.
        norm (bool): BatchNorm1d after each hidden linear layer (SimCLR);
            False gives MoCo v2's / AimCLR's Linear-ReLU-Linear. Defaults to
            True.
    """

    def __init__(self, in_channels: int, hidden_channels: int,
                 out_channels: int, num_layers: int = 2,
                 norm: bool = True) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f'MLPProjector: num_layers must be >= 1, got '
                             f'{num_layers}')
        self.in_channels, self.out_channels = in_channels, out_channels
        layers = []
        c_in = in_channels
        for _ in range(num_layers - 1):
            layers.append(nn.Linear(c_in, hidden_channels, bias=not norm))
            if norm:
                layers.append(nn.BatchNorm1d(hidden_channels))
            layers.append(nn.ReLU(inplace=True))
            c_in = hidden_channels
        layers.append(nn.Linear(c_in, out_channels))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Project features.

        Args:
            x (Tensor): (N, C_in).

        Returns:
            Tensor: (N, C_out).
        """
        if x.dim() != 2 or x.shape[1] != self.in_channels:
            raise ValueError(f'MLPProjector expects (N, {self.in_channels}) '
                             f'features, got {tuple(x.shape)}')
        return self.layers(x)
