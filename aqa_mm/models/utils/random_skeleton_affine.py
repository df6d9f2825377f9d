"""RandomSkeletonAffine: a random linear map of each skeleton clip, in-model.

The per-view spatial augmentation of contrastive skeleton pretraining: each
view of a sample gets its own rotation, scale and shear, so the pretext can
no longer match two views by their identical coordinates. The shear follows
``shear`` in SkeletonCLR / CrosSCLR / AimCLR (Li et al., CVPR 2021,
https://github.com/LinguoLi/CrosSCLR; Guo et al., AAAI 2022,
https://github.com/Levigty/AimCLR, ``feeder/tools.py``): a 3x3 matrix with
ones on the diagonal and off-diagonals uniform in ±r, r = 0.5 in their
configs (``shear_amplitude: 0.5``). The rotation about the three axes follows
AimCLR's ``random_rotate`` (there an extreme augmentation of up to 30° about
one axis); here every axis gets an angle uniform in ±max_angle.
"""
import math
from typing import Tuple

import torch
import torch.nn as nn

from aqa_mm.registry import MODELS


def _rotation(axis: int, angle: torch.Tensor) -> torch.Tensor:
    """Rotations about one axis of 3-D space, acting on column vectors.

    Args:
        axis (int): 0 (x), 1 (y) or 2 (z).
        angle (Tensor): Angles in radians, (N, ).

    Returns:
        Tensor: (N, 3, 3).
    """
    c, s = angle.cos(), angle.sin()
    i, j = [k for k in range(3) if k != axis]
    rot = torch.eye(3, device=angle.device, dtype=angle.dtype).repeat(
        angle.shape[0], 1, 1)                                 # [N, 3, 3]
    rot[:, i, i], rot[:, i, j] = c, -s
    rot[:, j, i], rot[:, j, j] = s, c
    return rot


@MODELS.register_module()
class RandomSkeletonAffine(nn.Module):
    """Multiply each sample's coordinates by its own random matrix.

    In training mode, for each sample n of (N, M, T, V, C) one matrix
    ``A_n = Sh_n · S_n · R_n`` (c × c, c = ``coord_channels``) is drawn and
    every joint p (the first c channels, as a column vector) of every person
    and frame of that sample becomes ``A_n p``:

    - R: 3-D, ``R_z · R_y · R_x`` with each angle uniform in ±max_angle
      degrees; 2-D, one rotation in the image plane (about the axis normal
      to it) by an angle uniform in ±max_angle.
    - S: a uniform scale drawn from ``scale_range``.
    - Sh: ones on the diagonal, every off-diagonal uniform in ±shear
      (AimCLR's ``shear``).

    Draws use torch's global RNG of the input's device (``torch.rand`` with
    ``device=x.device``), so ``torch.manual_seed`` / mmengine's seeding
    fixes them, on CPU and GPU alike. Channels past ``coord_channels`` (a
    keypoint score, say) are returned unchanged. In eval mode the module is
    the identity. It has no parameters or buffers, so it adds no
    state-dict keys.

    The map is linear with no translation, so a zeroed (masked) frame stays
    zero: applying it after ``VarianceMask`` / ``TemporalMask`` gives the
    same frames as applying it to the clip before masking and then zeroing
    the same frames. It does not give the same *choice* of frames:
    ``VarianceMask`` ranks frames by their local motion variance, and a
    shear or an anisotropic stretch changes those magnitudes (a rotation
    and a uniform scale do not change the ranking), so masking the
    augmented clip could zero slightly different frames. In the model the
    mask is chosen on the un-augmented clip.

    Rotation and shear act about the coordinate origin, which for clips
    through ``MinMaxNormalize`` is the centre of the clip's bounding box.

    Args:
        max_angle (float): Largest |angle| in degrees about each axis.
            Defaults to 30 (the bound of AimCLR's ``random_rotate``).
        scale_range (tuple[float, float]): Uniform scale range, 0 < low <=
            high. Defaults to (0.8, 1.2) (ours; AimCLR's views have no scale
            augmentation).
        shear (float): Largest |off-diagonal| of the shear matrix. Defaults
            to 0.5 (SkeletonCLR / CrosSCLR / AimCLR ``shear_amplitude``).
        coord_channels (int): 2 (image x, y) or 3 (x, y, z). Defaults to 3.
    """

    def __init__(self,
                 max_angle: float = 30.0,
                 scale_range: Tuple[float, float] = (0.8, 1.2),
                 shear: float = 0.5,
                 coord_channels: int = 3) -> None:
        super().__init__()
        if coord_channels not in (2, 3):
            raise ValueError('RandomSkeletonAffine: coord_channels must be 2 '
                             f'or 3, got {coord_channels}')
        if max_angle < 0 or shear < 0:
            raise ValueError('RandomSkeletonAffine: max_angle and shear must '
                             f'be >= 0, got {max_angle} and {shear}')
        if len(scale_range) != 2 or not 0 < scale_range[0] <= scale_range[1]:
            raise ValueError('RandomSkeletonAffine: scale_range must be '
                             '(low, high) with 0 < low <= high, got '
                             f'{scale_range}')
        self.max_angle = float(max_angle)
        self.scale_range = (float(scale_range[0]), float(scale_range[1]))
        self.shear = float(shear)
        self.coord_channels = coord_channels

    def _uniform(self, shape: Tuple[int, ...], low: float, high: float,
                 ref: torch.Tensor) -> torch.Tensor:
        """Uniform draws in [low, high) on ``ref``'s device and dtype."""
        u = torch.rand(shape, device=ref.device, dtype=ref.dtype)
        return low + (high - low) * u

    def sample_matrices(self, n: int, ref: torch.Tensor) -> torch.Tensor:
        """Draw ``n`` matrices ``Sh · S · R``.

        Args:
            n (int): Number of samples N.
            ref (Tensor): Gives the device and dtype.

        Returns:
            Tensor: (N, c, c), acting on column vectors.
        """
        c = self.coord_channels
        limit = math.radians(self.max_angle)
        if c == 3:
            angles = self._uniform((3, n), -limit, limit, ref)  # [3, N]
            rot = _rotation(2, angles[2]) @ _rotation(1, angles[1]) \
                @ _rotation(0, angles[0])                       # [N, 3, 3]
        else:
            rot = _rotation(2, self._uniform((n, ), -limit, limit, ref))
            rot = rot[:, :2, :2].contiguous()                  # [N, 2, 2]
        scale = self._uniform((n, 1, 1), *self.scale_range, ref)
        shear = self._uniform((n, c, c), -self.shear, self.shear, ref)
        eye = torch.eye(c, device=ref.device, dtype=ref.dtype)
        shear = shear * (1 - eye) + eye                         # [N, c, c]
        return shear @ (scale * rot)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Augment a batch of clips.

        Args:
            x (Tensor): Skeletons, (N, M, T, V, C) with C >= coord_channels.

        Returns:
            Tensor: Same shape; in eval mode ``x`` itself.
        """
        c = self.coord_channels
        if x.dim() != 5 or x.shape[-1] < c:
            raise ValueError('RandomSkeletonAffine expects (N, M, T, V, C) '
                             f'with C >= {c}, got {tuple(x.shape)}')
        if not self.training:
            return x
        mats = self.sample_matrices(x.shape[0], x)              # [N, c, c]
        coords = torch.einsum('nij,nmtvj->nmtvi', mats, x[..., :c])
        return torch.cat([coords, x[..., c:]], dim=-1)          # [N,M,T,V,C]

    def extra_repr(self) -> str:
        return (f'max_angle={self.max_angle}, scale_range={self.scale_range}'
                f', shear={self.shear}, coord_channels={self.coord_channels}')
