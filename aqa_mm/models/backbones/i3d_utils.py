"""Building blocks of the Inception-v1 I3D backbone (:mod:`.i3d`).

The blocks reproduce TensorFlow's ``"SAME"`` padding, which depends on the
input size, as DeepMind's kinetics-i3d and its PyTorch port pytorch-i3d do,
so that the converted Kinetics weights give the same activations. Module
attribute names (``conv3d``, ``bn``, ``b0`` ... ``b3b``) follow pytorch-i3d
so that its checkpoints load key for key.

Architecture: J. Carreira and A. Zisserman, "Quo Vadis, Action Recognition?
A New Model and the Kinetics Dataset", CVPR 2017,
https://arxiv.org/abs/1705.07750 (https://github.com/deepmind/kinetics-i3d).
Key names: https://github.com/piergiaj/pytorch-i3d (``pytorch_i3d.py``).
"""
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

Triple = Tuple[int, int, int]


def same_padding(size: Sequence[int], kernel: Triple,
                 stride: Triple) -> List[int]:
    """TF ``"SAME"`` padding of a (T, H, W) input, in ``F.pad`` order.

    The output has ceil(size / stride) positions; the padding needed for
    that is split with the extra element at the end, as TensorFlow does.

    Args:
        size (Sequence[int]): (T, H, W) of the input.
        kernel (tuple[int, int, int]): Kernel size.
        stride (tuple[int, int, int]): Stride.

    Returns:
        list[int]: (w_front, w_back, h_front, h_back, t_front, t_back).
    """
    pads: List[int] = []
    for s, k, st in zip(reversed(tuple(size)), reversed(kernel),
                        reversed(stride)):
        total = max(k - st, 0) if s % st == 0 else max(k - s % st, 0)
        pads += [total // 2, total - total // 2]
    return pads


class BatchNorm3dNoCount(nn.BatchNorm3d):
    """BatchNorm3d whose ``num_batches_tracked`` is not saved or loaded.

    ``rgb_imagenet.pt`` dates from March 2018 and PyTorch 0.3, before
    BatchNorm had that buffer (0.4.1), so it has none. With a fixed
    ``momentum`` the count
    is never used; keeping it out of the state dict makes our key set equal
    to the checkpoint's. A checkpoint that does carry the count (re-saved
    with a newer PyTorch) still loads with ``load_state_dict``; the count is
    dropped.

    Args:
        num_features (int): C.
        eps (float): TF's BatchNorm epsilon. Defaults to 1e-3.
        momentum (float): Defaults to 0.01 (TF decay 0.99).
    """

    def __init__(self, num_features: int, eps: float = 1e-3,
                 momentum: float = 0.01) -> None:
        super().__init__(num_features, eps=eps, momentum=momentum)
        self.register_buffer('num_batches_tracked', torch.tensor(0),
                             persistent=False)

    def _load_from_state_dict(self, state_dict: dict, prefix: str,
                              local_metadata: dict, strict: bool,
                              missing_keys: List[str],
                              unexpected_keys: List[str],
                              error_msgs: List[str]) -> None:
        super()._load_from_state_dict(state_dict, prefix, local_metadata,
                                      strict, missing_keys, unexpected_keys,
                                      error_msgs)
        count_key = prefix + 'num_batches_tracked'
        if count_key in unexpected_keys:
            unexpected_keys.remove(count_key)


class Unit3D(nn.Module):
    """Conv3d with TF "SAME" padding, then BatchNorm and ReLU.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        kernel_size (tuple[int, int, int]): Defaults to (1, 1, 1).
        stride (tuple[int, int, int]): Defaults to (1, 1, 1).
        use_bn (bool): Add ``bn``. Defaults to True.
        use_bias (bool): Conv bias. Defaults to False.
        activate (bool): Apply ReLU. Defaults to True.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: Triple = (1, 1, 1),
                 stride: Triple = (1, 1, 1),
                 use_bn: bool = True,
                 use_bias: bool = False,
                 activate: bool = True) -> None:
        super().__init__()
        self.kernel_size, self.stride = tuple(kernel_size), tuple(stride)
        self.activate = activate
        self.conv3d = nn.Conv3d(in_channels, out_channels, self.kernel_size,
                                stride=self.stride, padding=0, bias=use_bias)
        self.bn = BatchNorm3dNoCount(out_channels) if use_bn else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, H, W) -> (N, C_out, ceil(T/s_t), ceil(H/s_h),
        ceil(W/s_w))."""
        x = F.pad(x, same_padding(x.shape[2:], self.kernel_size, self.stride))
        x = self.conv3d(x)
        if self.bn is not None:
            x = self.bn(x)
        return F.relu(x) if self.activate else x


class MaxPool3dSame(nn.MaxPool3d):
    """MaxPool3d with TF "SAME" padding.

    The padding is zeros, as in pytorch-i3d; the pools follow ReLUs, so the
    input is >= 0 and this equals TF's padding with -inf.

    Args:
        kernel_size (tuple[int, int, int]): Window.
        stride (tuple[int, int, int]): Stride.
    """

    def __init__(self, kernel_size: Triple, stride: Triple) -> None:
        super().__init__(tuple(kernel_size), tuple(stride), padding=0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, T, H, W) -> (N, C, ceil(T/s_t), ceil(H/s_h), ceil(W/s_w))."""
        x = F.pad(x, same_padding(x.shape[2:], self.kernel_size, self.stride))
        return super().forward(x)


class InceptionModule(nn.Module):
    """The four-branch Inception block of I3D ("Mixed_*").

    Branches: 1x1 (``b0``); 1x1 -> 3x3x3 (``b1a``, ``b1b``); 1x1 -> 3x3x3
    (``b2a``, ``b2b``); 3x3x3 max pool -> 1x1 (``b3a``, ``b3b``). Their
    outputs are concatenated on C.

    Args:
        in_channels (int): Input channels.
        channels (Sequence[int]): The six widths (b0, b1a, b1b, b2a, b2b,
            b3b), in the order of the paper's Figure 3 / pytorch-i3d.
    """

    def __init__(self, in_channels: int, channels: Sequence[int]) -> None:
        super().__init__()
        if len(channels) != 6:
            raise ValueError(f'InceptionModule needs 6 widths, got {channels}')
        c0, c1a, c1b, c2a, c2b, c3b = channels
        self.b0 = Unit3D(in_channels, c0)
        self.b1a = Unit3D(in_channels, c1a)
        self.b1b = Unit3D(c1a, c1b, kernel_size=(3, 3, 3))
        self.b2a = Unit3D(in_channels, c2a)
        self.b2b = Unit3D(c2a, c2b, kernel_size=(3, 3, 3))
        self.b3a = MaxPool3dSame((3, 3, 3), (1, 1, 1))
        self.b3b = Unit3D(in_channels, c3b)
        self.out_channels = c0 + c1b + c2b + c3b

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, H, W) -> (N, out_channels, T, H, W)."""
        return torch.cat([
            self.b0(x),                      # [N, c0, T, H, W]
            self.b1b(self.b1a(x)),           # [N, c1b, T, H, W]
            self.b2b(self.b2a(x)),           # [N, c2b, T, H, W]
            self.b3b(self.b3a(x)),           # [N, c3b, T, H, W]
        ], dim=1)
