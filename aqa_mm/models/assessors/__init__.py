from .rgb_assessor import RGBAssessor
from .skeleton_assessor import SkeletonAssessor
from .sme_pretrainer import SMEPretrainer

__all__ = ['RGBAssessor', 'SkeletonAssessor', 'SMEPretrainer']
