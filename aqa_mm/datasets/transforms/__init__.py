from .decord_clips import DecordClips
from .normalize_score import NormalizeScore
from .pack_aqa_inputs import PackAQAInputs
from .random_mask import RandomMask
from .temporal_mask import TemporalMask
from .variance_mask import VarianceMask

__all__ = [
    'DecordClips', 'NormalizeScore', 'PackAQAInputs', 'RandomMask', 'TemporalMask',
    'VarianceMask'
]
