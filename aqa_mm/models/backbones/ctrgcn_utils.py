"""Building blocks of CTR-GCN (Chen et al., ICCV 2021), for :class:`SMEGCN`.

Same structure, init, submodule names and weight shapes as
https://github.com/Uason-Chen/CTR-GCN ``model/ctrgcn.py``, so its checkpoints
load unchanged; the init runs at construction (mmengine's ``init_weights``
would run after loading weights). Our own, faster forward passes: maps are
**(B, C, V, T)** (joints first), so the graph contraction over all subsets is
one batched matmul without copies; the 1×1 convs of all subsets / branches
(and their BNs) run as one op; the relation convs run on the temporal mean
(equal, as a 1×1 conv is affine). References: :meth:`CTRGC.forward` per
subset, ``torch.cat([b(x) for b in branches], 1)`` per branch.
"""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule, ModuleList, Sequential


def ctrgcn_init(module: nn.Module, bn_std: float = 0.0) -> None:
    """CTR-GCN's init, in place: Kaiming normal (fan_out) convs, zero biases.

    Args:
        module (nn.Module): Module to initialise.
        bn_std (float): BN scales are drawn from N(1, bn_std), so exactly 1
            by default. Defaults to 0.
    """
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode='fan_out')
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.modules.batchnorm._BatchNorm):
            nn.init.normal_(m.weight, 1.0, bn_std)
            nn.init.zeros_(m.bias)


def _cat_conv(convs: Sequence[nn.Conv2d]) -> tuple:
    """Concatenate 1×1 convs along their outputs: weight (O, I, 1, 1), bias."""
    return (torch.cat([c.weight for c in convs]),
            torch.cat([c.bias for c in convs]))


def _fused_bn(x: torch.Tensor, bns: Sequence[nn.BatchNorm2d]) -> torch.Tensor:
    """Apply ``bns`` to consecutive channel groups of ``x`` in one call.

    Same as one call per BN (the fallback for SyncBatchNorm and the like).
    """
    bn0, sizes = bns[0], [bn.num_features for bn in bns]
    if any(type(bn) is not nn.BatchNorm2d or bn.momentum is None
           or (bn.momentum, bn.eps) != (bn0.momentum, bn0.eps) for bn in bns):
        return torch.cat([bn(x_b) for bn, x_b in zip(bns, x.split(sizes, 1))],
                         dim=1)
    stats = [torch.cat([getattr(bn, k) for bn in bns])
             for k in ('running_mean', 'running_var', 'weight', 'bias')]
    y = F.batch_norm(x, *stats, bn0.training, bn0.momentum, bn0.eps)
    if bn0.training:  # write the updated statistics back
        for bn, mean, var in zip(bns, *(t.split(sizes) for t in stats[:2])):
            bn.running_mean.copy_(mean)
            bn.running_var.copy_(var)
            bn.num_batches_tracked.add_(1)
    return y


class CTRGC(BaseModule):
    """Channel-wise topology refinement graph convolution for one subset.

    Args:
        in_channels (int): Input channels C_in.
        out_channels (int): Output channels C_out.
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        # relation channels R: 8 for raw inputs, else C_in / 8
        self.rel_channels = 8 if in_channels in (3, 9) else in_channels // 8
        self.conv1 = nn.Conv2d(in_channels, self.rel_channels, 1)
        self.conv2 = nn.Conv2d(in_channels, self.rel_channels, 1)
        self.conv3 = nn.Conv2d(in_channels, out_channels, 1)
        self.conv4 = nn.Conv2d(self.rel_channels, out_channels, 1)
        ctrgcn_init(self)

    def forward(self, x: torch.Tensor, A: torch.Tensor,
                alpha: torch.Tensor) -> torch.Tensor:
        """Per-subset reference: x (B, C_in, V, T), this subset's adjacency
        A (V, V) and α (1, ) to (B, C_out, V, T), as in CTR-GCN."""
        x1 = self.conv1(x).mean(-1)                          # [B, R, V]
        x2 = self.conv2(x).mean(-1)                          # [B, R, V]
        rel = torch.tanh(x1.unsqueeze(-1) - x2.unsqueeze(-2))  # [B, R, U, V]
        adj = self.conv4(rel) * alpha + A                    # [B, C, U, V]
        return torch.einsum('ncuv,ncvt->ncut', adj, self.conv3(x))


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
        ctrgcn_init(self)
        nn.init.constant_(self.bn.weight, 1e-6)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map (B, C_in, V, T) to (B, C_out, V, T), all subsets fused."""
        (B, _, V, T), convs, K = x.shape, self.convs, len(self.convs)
        R, C = convs[0].rel_channels, convs[0].conv3.out_channels
        # relations: conv1/conv2 of all subsets, on the temporal mean
        w12, b12 = _cat_conv([c for g in convs for c in (g.conv1, g.conv2)])
        rel = torch.matmul(w12.flatten(1), x.mean(-1)) + b12[:, None]
        rel = rel.view(B, K, 2, R, V)                        # [B, K, 2, R, V]
        rel = torch.tanh(rel[:, :, 0, :, :, None]
                         - rel[:, :, 1, :, None, :])         # [B, K, R, U, V]
        # adjacency α·conv4(rel) + PA, α folded into the small terms
        w4 = torch.stack([g.conv4.weight.flatten(1) for g in convs])
        b4 = torch.stack([g.conv4.bias for g in convs])      # [K, C]
        const = b4[:, :, None, None] * self.alpha + self.PA[:, None]
        adj = torch.einsum('kcr,bkruv->bcukv', w4 * self.alpha, rel)
        adj = adj + const.permute(1, 2, 0, 3)                # [B, C, U, K, V]
        # features: conv3 of all subsets as one conv, channels ordered (c, k)
        w3 = torch.stack([g.conv3.weight for g in convs], 1).flatten(0, 1)
        b3 = torch.stack([g.conv3.bias for g in convs], 1).flatten()
        x3 = F.conv2d(x, w3, b3).view(B * C, K * V, T)      # [B*C, K*V, T]
        y = torch.bmm(adj.reshape(B * C, V, K * V), x3)      # [B*C, U, T]
        y = self.bn(y.view(B, C, V, T))                     # [B, C, V, T]
        return F.relu_(y.add_(self.down(x)))  # in place: no new big tensor


class TemporalConv(BaseModule):
    """CTR-GCN's ``TemporalConv``: a (k × 1) conv + BN along time.

    Args:
        in_channels (int): Input channels C_in.
        out_channels (int): Output channels C_out.
        kernel_size (int): Temporal kernel size k (weight (C_out, C_in, k, 1)).
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
        """Map (B, C_in, V, T) to (B, C_out, V, ceil(T / stride))."""
        x = F.conv2d(x, self.conv.weight.transpose(2, 3), self.conv.bias,
                     (1, self.stride), (0, self.pad), (1, self.dilation))
        return self.bn(x)                                    # [B, O, V, T']


class MultiScaleTCN(BaseModule):
    """CTR-GCN's ``MultiScale_TemporalConv`` (as used, without residual).

    Branches of C_out / (len(dilations) + 2) channels, concatenated: per
    dilation d, 1×1 conv → BN → ReLU → (k × 1) conv (dilation d, stride) → BN;
    1×1 conv → BN → ReLU → (3 × 1) max-pool (stride) → BN; strided 1×1 conv →
    BN. BN scales are drawn from N(1, 0.02).

    Args:
        in_channels (int): Input channels C_in.
        out_channels (int): Output channels C_out.
        kernel_size (int): Temporal kernel size k. Defaults to 5.
        stride (int): Temporal stride. Defaults to 1.
        dilations (tuple[int]): Temporal dilations. Defaults to (1, 2).
    """

    def __init__(self, in_channels: int, out_channels: int,
                 kernel_size: int = 5, stride: int = 1,
                 dilations: Sequence[int] = (1, 2)) -> None:
        super().__init__()
        c, rem = divmod(out_channels, len(dilations) + 2)  # branch width
        if rem:
            raise ValueError(f'out_channels ({out_channels}) must be a '
                             f'multiple of the {len(dilations) + 2} branches')

        def stem(*tail: nn.Module) -> Sequential:
            return Sequential(nn.Conv2d(in_channels, c, 1), nn.BatchNorm2d(c),
                              nn.ReLU(inplace=True), *tail)

        self.branches = ModuleList(
            [stem(TemporalConv(c, c, kernel_size, stride, d))
             for d in dilations]
            + [stem(nn.MaxPool2d((1, 3), (1, stride), (0, 1)),
                    nn.BatchNorm2d(c)),
               Sequential(nn.Conv2d(in_channels, c, 1, stride=(1, stride)),
                          nn.BatchNorm2d(c))])
        ctrgcn_init(self, bn_std=0.02)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map (B, C_in, V, T) to (B, C_out, V, ceil(T / stride)), fused."""
        fused = [b for b in self.branches if b[0].stride == (1, 1)]
        h = F.conv2d(x, *_cat_conv([b[0] for b in fused]))  # [B, c*n, V, T]
        h = _fused_bn(h, [b[1] for b in fused])
        h = h.split([b[1].num_features for b in fused], dim=1)
        outs = [b[3:](F.relu(h_b)) if len(b) > 2 else h_b  # b[2]: ReLU
                for b, h_b in zip(fused, h)]
        outs += [b(x) for b in self.branches if b[0].stride != (1, 1)]
        return torch.cat(outs, dim=1)                       # [B, C_out, V, T']


class TCNGCNUnit(BaseModule):
    """CTR-GCN's ``TCN_GCN_unit``: ReLU(tcn1(gcn1(x)) + residual(x)).

    Args:
        in_channels (int): Input channels C_in.
        out_channels (int): Output channels C_out.
        A (Tensor): Normalised adjacency subsets, (K, V, V).
        stride (int): Temporal stride. Defaults to 1.
        residual (bool): Add the unit residual: identity when shapes match,
            else a strided 1×1 temporal conv + BN. Defaults to True.
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor,
                 stride: int = 1, residual: bool = True) -> None:
        super().__init__()
        self.gcn1 = CTRGCUnit(in_channels, out_channels, A)
        self.tcn1 = MultiScaleTCN(out_channels, out_channels, stride=stride)
        self.residual = None if not residual else nn.Identity()
        if residual and (in_channels != out_channels or stride != 1):
            self.residual = TemporalConv(in_channels, out_channels, 1, stride)
            ctrgcn_init(self.residual)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map (B, C_in, V, T) to (B, C_out, V, T')."""
        y = self.tcn1(self.gcn1(x))                          # [B, C, V, T']
        if self.residual is not None:
            y += self.residual(x)
        return F.relu_(y)
