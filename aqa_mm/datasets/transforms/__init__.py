from .normalize_score import NormalizeScore
from .pack_aqa_inputs import PackAQAInputs
from .temporal_mask import TemporalMask
from .variance_mask import VarianceMask

__all__ = ['NormalizeScore', 'PackAQAInputs', 'TemporalMask', 'VarianceMask']
