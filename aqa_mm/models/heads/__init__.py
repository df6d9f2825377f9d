from .core_head import CoReHead
from .fusion_regression_head import FusionRegressionHead
from .gdlt_head import GDLTHead
from .musdl_head import MUSDLHead
from .pfm_head import PFMHead, preference_labels
from .regression_head import AQARegressionHead
from .usdl_head import USDLHead

__all__ = [
    'AQARegressionHead', 'CoReHead', 'FusionRegressionHead', 'GDLTHead',
    'MUSDLHead', 'PFMHead', 'USDLHead', 'preference_labels'
]
