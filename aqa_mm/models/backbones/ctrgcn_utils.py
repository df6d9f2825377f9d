"""Building blocks of CTR-GCN, composed by :class:`~.smegcn.SMEGCN`.

Follows the structure, parameter layout and initialisation of CTR-GCN
(Chen et al., "Channel-wise Topology Refinement Graph Convolution for
Skeleton-Based Action Recognition", ICCV 2021,
https://github.com/Uason-Chen/CTR-GCN, ``model/ctrgcn.py``). Submodule names
and weight shapes match that code (``convs.k.conv1``, ``PA``, ``alpha``,
``branches.i.j``, temporal kernels stored as (k × 1), ...), so its
checkpoints load unchanged.

Unlike CTR-GCN, every block here takes and returns feature maps laid out as
**(B, C, V, T)**, joints before time: then the graph contraction of all
three subsets is one batched matmul over (subset, joint) with no copies.
Temporal kernels are applied along the last axis. For speed the 1×1
convolutions of all subsets / branches also run as one convolution (weights
concatenated at forward time, parameters kept per subset), and the relation
convolutions run on the temporal mean, which equals the temporal mean of
their output because a 1×1 convolution is affine. The per-subset reference
is :meth:`CTRGC.forward`.
"""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule, ModuleList, Sequential


def ctrgcn_init(module: nn.Module, bn_std: float = 0.0) -> None:
    """CTR-GCN's init for every conv and BN below ``module``.

    Convolutions: Kaiming normal (fan_out), bias 0. BatchNorm: scale 1, or
    drawn from N(1, ``bn_std``) when ``bn_std`` > 0; bias 0.

    Args:
        module (nn.Module): Module to initialise in place.
        bn_std (float): Std of the BN scales around 1. Defaults to 0.
    """
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode='fan_out')
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.modules.batchnorm._BatchNorm):
            if bn_std > 0:
                nn.init.normal_(m.weight, 1.0, bn_std)
            else:
                nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


def _cat_conv(convs: Sequence[nn.Conv2d]) -> tuple:
    """Concatenate 1×1 convs along their outputs: weight (O, I, 1, 1), bias."""
    return (torch.cat([c.weight for c in convs]),
            torch.cat([c.bias for c in convs]))


class CTRGC(BaseModule):
    """Channel-wise topology refinement graph convolution, one subset.

    Args:
        in_channels (int): Input channels C_in.
        out_channels (int): Output channels C_out.
        rel_reduction (int): Relation channels are C_in / rel_reduction,
            or 8 when C_in is 3 or 9. Defaults to 8.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 rel_reduction: int = 8) -> None:
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.rel_channels = (8 if in_channels in (3, 9) else
                             in_channels // rel_reduction)
        self.conv1 = nn.Conv2d(in_channels, self.rel_channels, 1)
        self.conv2 = nn.Conv2d(in_channels, self.rel_channels, 1)
        self.conv3 = nn.Conv2d(in_channels, out_channels, 1)
        self.conv4 = nn.Conv2d(self.rel_channels, out_channels, 1)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Kaiming normal (fan_out) convs, zero biases.

        Named ``reset_parameters`` (not ``init_weights``) on purpose: mmengine's
        ``BaseModule.init_weights`` calls children's ``init_weights`` *after*
        a non-``Pretrained`` init_cfg such as ``StrictPretrained`` has loaded
        weights, which would overwrite them. CTR-GCN's init runs once, at
        construction.
        """
        ctrgcn_init(self)

    def forward(self, x: torch.Tensor, A: torch.Tensor,
                alpha: torch.Tensor) -> torch.Tensor:
        """Per-subset reference computation (CTR-GCN's, in our layout).

        Args:
            x (Tensor): (B, C_in, V, T).
            A (Tensor): This subset's adjacency, (V, V).
            alpha (Tensor): Refinement scale, (1, ).

        Returns:
            Tensor: (B, C_out, V, T).
        """
        x1 = self.conv1(x).mean(-1)                          # [B, R, V]
        x2 = self.conv2(x).mean(-1)                          # [B, R, V]
        x3 = self.conv3(x)                                   # [B, C, V, T]
        rel = torch.tanh(x1.unsqueeze(-1) - x2.unsqueeze(-2))  # [B, R, V, V]
        adj = self.conv4(rel) * alpha + A                    # [B, C, U, V]
        return torch.einsum('ncuv,ncvt->ncut', adj, x3)


class CTRGCUnit(BaseModule):
    """CTR-GCN's ``unit_gcn``: one :class:`CTRGC` per adjacency subset.

    y = ReLU(BN(Σ_k CTRGC_k(x, PA_k, α)) + down(x)), with ``PA`` a learnable
    copy of A, α initialised to 0, the output BN's scale to 1e-6, and
    ``down`` a 1×1 conv + BN when C_in ≠ C_out (identity otherwise).

    Args:
        in_channels (int): Input channels C_in.
        out_channels (int): Output channels C_out.
        A (Tensor): Normalised adjacency subsets, (K, V, V).
    """

    def __init__(self, in_channels: int, out_channels: int,
                 A: torch.Tensor) -> None:
        super().__init__()
        self.convs = ModuleList(
            [CTRGC(in_channels, out_channels) for _ in range(A.shape[0])])
        self.down = (Sequential(nn.Conv2d(in_channels, out_channels, 1),
                                nn.BatchNorm2d(out_channels))
                     if in_channels != out_channels else nn.Identity())
        self.PA = nn.Parameter(A.clone().float())
        self.alpha = nn.Parameter(torch.zeros(1))
        self.bn = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Kaiming convs, BN scale 1 (output BN 1e-6), α = 0, PA = A."""
        ctrgcn_init(self)
        nn.init.constant_(self.bn.weight, 1e-6)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Fused equivalent of summing :meth:`CTRGC.forward` over subsets.

        Args:
            x (Tensor): (B, C_in, V, T).

        Returns:
            Tensor: (B, C_out, V, T).
        """
        B, _, V, T = x.shape
        convs, K = self.convs, len(self.convs)
        R, C = convs[0].rel_channels, convs[0].out_channels
        # relations: conv1/conv2 of all subsets, on the temporal mean
        w12, b12 = _cat_conv([c for g in convs for c in (g.conv1, g.conv2)])
        rel = torch.matmul(w12.flatten(1), x.mean(-1)) + b12[:, None]
        rel = rel.view(B, K, 2, R, V)                        # [B, K, 2, R, V]
        rel = torch.tanh(rel[:, :, 0, :, :, None]
                         - rel[:, :, 1, :, None, :])         # [B, K, R, U, V]
        # adjacency α·(conv4(rel) + b4) + PA, α folded into the small terms
        w4 = torch.stack([g.conv4.weight.flatten(1) for g in convs])
        b4 = torch.stack([g.conv4.bias for g in convs])      # [K, C]
        const = b4[:, :, None, None] * self.alpha + self.PA[:, None]
        adj = torch.einsum('kcr,bkruv->bcukv', w4 * self.alpha, rel)
        adj = adj + const.permute(1, 2, 0, 3)                # [B, C, U, K, V]
        # features: conv3 of all subsets as one conv, channels ordered (c, k)
        w3 = torch.stack([g.conv3.weight for g in convs], 1).flatten(0, 1)
        b3 = torch.stack([g.conv3.bias for g in convs], 1).flatten()
        x3 = F.conv2d(x, w3, b3).view(B * C, K * V, T)      # [B*C, K*V, T]
        # contraction over (subset, joint): one batched matmul
        y = torch.bmm(adj.reshape(B * C, V, K * V), x3)      # [B*C, U, T]
        y = self.bn(y.view(B, C, V, T))
        return self.relu(y + self.down(x))


class TemporalConv(BaseModule):
    """A (kernel_size × 1) temporal conv + BN, as CTR-GCN's ``TemporalConv``.

    The weight is stored as CTR-GCN stores it, (C_out, C_in, k, 1), and
    applied along the last (time) axis of a (B, C, V, T) map.

    Args:
        in_channels (int): Input channels C_in.
        out_channels (int): Output channels C_out.
        kernel_size (int): Temporal kernel size k.
        stride (int): Temporal stride. Defaults to 1.
        dilation (int): Temporal dilation. Defaults to 1.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int,
                 stride: int = 1, dilation: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, (kernel_size, 1))
        self.bn = nn.BatchNorm2d(out_channels)
        self.stride, self.dilation = stride, dilation
        self.pad = (kernel_size + (kernel_size - 1) * (dilation - 1) - 1) // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            x (Tensor): (B, C_in, V, T).

        Returns:
            Tensor: (B, C_out, V, ceil(T / stride)) for odd kernels.
        """
        w = self.conv.weight                                 # [O, I, k, 1]
        x = F.conv2d(x, w.view(*w.shape[:2], 1, -1), self.conv.bias,
                     (1, self.stride), (0, self.pad), (1, self.dilation))
        return self.bn(x)                                    # [B, O, V, T']


class MultiScaleTCN(BaseModule):
    """CTR-GCN's ``MultiScale_TemporalConv`` (used without residual).

    Branches of C_out / (len(dilations) + 2) channels each, concatenated:
    per dilation d, 1×1 conv → BN → ReLU → (kernel_size × 1) conv with
    dilation d and the stride → BN; then 1×1 conv → BN → ReLU →
    max-pool (3 × 1) with the stride → BN; then a strided 1×1 conv → BN.

    Args:
        in_channels (int): Input channels C_in.
        out_channels (int): Output channels C_out.
        kernel_size (int): Temporal kernel size. Defaults to 5.
        stride (int): Temporal stride. Defaults to 1.
        dilations (tuple[int]): Temporal dilations. Defaults to (1, 2).
    """

    def __init__(self, in_channels: int, out_channels: int,
                 kernel_size: int = 5, stride: int = 1,
                 dilations: Sequence[int] = (1, 2)) -> None:
        super().__init__()
        num_branches = len(dilations) + 2
        if out_channels % num_branches:
            raise ValueError(f'out_channels ({out_channels}) must be a '
                             f'multiple of the {num_branches} branches')
        c = out_channels // num_branches

        def stem() -> list:
            return [nn.Conv2d(in_channels, c, 1), nn.BatchNorm2d(c),
                    nn.ReLU(inplace=True)]

        branches = [Sequential(*stem(), TemporalConv(c, c, kernel_size,
                                                     stride, d))
                    for d in dilations]
        branches.append(Sequential(
            *stem(), nn.MaxPool2d((1, 3), (1, stride), (0, 1)),
            nn.BatchNorm2d(c)))
        branches.append(Sequential(
            nn.Conv2d(in_channels, c, 1, stride=(1, stride)),
            nn.BatchNorm2d(c)))
        self.branches = ModuleList(branches)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Kaiming convs, BN scales drawn from N(1, 0.02)."""
        ctrgcn_init(self, bn_std=0.02)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Run all branches; their unstrided 1×1 convs run as one.

        Args:
            x (Tensor): (B, C_in, V, T).

        Returns:
            Tensor: (B, C_out, V, ceil(T / stride)).
        """
        fused = [b for b in self.branches if b[0].stride == (1, 1)]
        h = F.conv2d(x, *_cat_conv([b[0] for b in fused]))  # [B, c*n, V, T]
        chunks = h.split([b[0].out_channels for b in fused], dim=1)
        outs = [b[1:](h_b) for b, h_b in zip(fused, chunks)]
        outs += [b(x) for b in self.branches if b[0].stride != (1, 1)]
        return torch.cat(outs, dim=1)                        # [B, C_out, V, T']


class TCNGCNUnit(BaseModule):
    """CTR-GCN's ``TCN_GCN_unit``: ReLU(tcn1(gcn1(x)) + residual(x)).

    Args:
        in_channels (int): Input channels C_in.
        out_channels (int): Output channels C_out.
        A (Tensor): Normalised adjacency subsets, (K, V, V).
        stride (int): Temporal stride. Defaults to 1.
        residual (bool): Add the unit residual: identity when shapes match,
            else a strided 1×1 temporal conv + BN. Defaults to True.
        kernel_size (int): Temporal kernel size. Defaults to 5.
        dilations (tuple[int]): Temporal dilations. Defaults to (1, 2).
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor,
                 stride: int = 1, residual: bool = True, kernel_size: int = 5,
                 dilations: Sequence[int] = (1, 2)) -> None:
        super().__init__()
        self.gcn1 = CTRGCUnit(in_channels, out_channels, A)
        self.tcn1 = MultiScaleTCN(out_channels, out_channels, kernel_size,
                                  stride, dilations)
        if not residual:
            self.residual = None
        elif in_channels == out_channels and stride == 1:
            self.residual = nn.Identity()
        else:
            self.residual = TemporalConv(in_channels, out_channels, 1, stride)
        self.relu = nn.ReLU(inplace=True)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Initialise both halves and the residual as CTR-GCN does."""
        self.gcn1.reset_parameters()
        self.tcn1.reset_parameters()
        if self.residual is not None:
            ctrgcn_init(self.residual)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward.

        Args:
            x (Tensor): (B, C_in, V, T).

        Returns:
            Tensor: (B, C_out, V, T').
        """
        y = self.tcn1(self.gcn1(x))                          # [B, C, V, T']
        if self.residual is not None:
            y = y + self.residual(x)
        return self.relu(y)
