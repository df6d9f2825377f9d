from .momentum_sme_pretrainer import MomentumSMEPretrainer
from .rgb_assessor import RGBAssessor
from .sequence_assessor import SequenceAssessor, masked_mean
from .skeleton_assessor import SkeletonAssessor
from .sme_pretrainer import SMEPretrainer
from .two_stream_assessor import TwoStreamAssessor, pool_feature

__all__ = [
    'MomentumSMEPretrainer', 'RGBAssessor', 'SequenceAssessor',
    'SkeletonAssessor', 'SMEPretrainer', 'TwoStreamAssessor', 'masked_mean',
    'pool_feature'
]
