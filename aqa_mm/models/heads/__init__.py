from .fusion_regression_head import FusionRegressionHead
from .pfm_head import PFMHead, preference_labels
from .regression_head import AQARegressionHead

__all__ = [
    'AQARegressionHead', 'FusionRegressionHead', 'PFMHead',
    'preference_labels'
]
