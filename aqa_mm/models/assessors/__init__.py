from .skeleton_assessor import SkeletonAssessor
from .sme_pretrainer import SMEPretrainer

__all__ = ['SkeletonAssessor', 'SMEPretrainer']
