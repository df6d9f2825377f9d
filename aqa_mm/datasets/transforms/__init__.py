from .decord_clips import DecordClips
from .load_aqa_features import LoadAQAFeatures
from .normalize_score import NormalizeScore
from .pack_aqa_inputs import PackAQAInputs
from .random_mask import RandomMask
from .stream_pipeline import StreamPipeline
from .temporal_mask import TemporalMask
from .variance_mask import VarianceMask

__all__ = [
    'DecordClips', 'LoadAQAFeatures', 'NormalizeScore', 'PackAQAInputs',
    'RandomMask', 'StreamPipeline', 'TemporalMask', 'VarianceMask'
]
