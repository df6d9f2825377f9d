from .crossfit import crossfit_preferences, ridge_fit_predict
from .domain_check import domain_warnings, skeleton_coverage, training_profile
from .feature_caching import (cache_features, import_feature_arrays,
                              missing_indices)
from .inference import (format_result, inference_aqa, init_aqa_model,
                        model_streams, prepare_sample, score_normalization)
from .kinetics import init_kinetics_i3d, kinetics400_labels, kinetics_top_k

__all__ = [
    'cache_features', 'crossfit_preferences', 'domain_warnings',
    'format_result', 'skeleton_coverage', 'training_profile',
    'import_feature_arrays', 'inference_aqa', 'init_aqa_model',
    'init_kinetics_i3d', 'kinetics400_labels', 'kinetics_top_k',
    'missing_indices', 'model_streams', 'prepare_sample', 'ridge_fit_predict',
    'score_normalization'
]
