from .i3d import I3D
from .smegcn import SMEGCN

__all__ = ['I3D', 'SMEGCN']
