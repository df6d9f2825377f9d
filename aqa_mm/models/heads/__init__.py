from .fusion_regression_head import FusionRegressionHead
from .gdlt_head import GDLTHead
from .pfm_head import PFMHead, preference_labels
from .regression_head import AQARegressionHead

__all__ = [
    'AQARegressionHead', 'FusionRegressionHead', 'GDLTHead', 'PFMHead',
    'preference_labels'
]
