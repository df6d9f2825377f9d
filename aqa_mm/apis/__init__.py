"""Inference: build an assessor from a config and checkpoint
(:func:`init_aqa_model`) and score one performance (:func:`inference_aqa`)."""
from .inference import (STREAM_NAMES, format_result, inference_aqa,
                        init_aqa_model, model_streams, prepare_sample,
                        score_normalization)

__all__ = [
    'STREAM_NAMES', 'format_result', 'inference_aqa', 'init_aqa_model',
    'model_streams', 'prepare_sample', 'score_normalization'
]
