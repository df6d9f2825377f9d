from .crossfit import crossfit_preferences, ridge_fit_predict
from .feature_caching import (cache_features, import_feature_arrays,
                              missing_indices)

__all__ = [
    'cache_features', 'crossfit_preferences', 'import_feature_arrays',
    'missing_indices', 'ridge_fit_predict'
]
