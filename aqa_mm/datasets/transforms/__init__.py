from .decord_clips import DecordClips
from .load_aqa_features import LoadAQAFeatures
from .min_max_normalize import MinMaxNormalize
from .normalize_score import NormalizeScore
from .pack_aqa_inputs import PackAQAInputs
from .random_feature_crop import RandomFeatureCrop
from .random_mask import RandomMask
from .random_view_transform import RandomViewTransform3D
from .sorted_random_sample_frames import SortedRandomSampleFrames
from .stream_pipeline import StreamPipeline
from .temporal_mask import TemporalMask
from .variance_mask import VarianceMask

__all__ = [
    'DecordClips', 'LoadAQAFeatures', 'MinMaxNormalize', 'NormalizeScore',
    'PackAQAInputs', 'RandomFeatureCrop', 'RandomMask',
    'RandomViewTransform3D', 'SortedRandomSampleFrames', 'StreamPipeline',
    'TemporalMask', 'VarianceMask'
]
