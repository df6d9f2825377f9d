from .rgb_assessor import RGBAssessor
from .skeleton_assessor import SkeletonAssessor
from .sme_pretrainer import SMEPretrainer
from .two_stream_assessor import TwoStreamAssessor, pool_feature

__all__ = [
    'RGBAssessor', 'SkeletonAssessor', 'SMEPretrainer', 'TwoStreamAssessor',
    'pool_feature'
]
