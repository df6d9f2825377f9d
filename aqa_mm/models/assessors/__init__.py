from .skeleton_assessor import SkeletonAssessor

__all__ = ['SkeletonAssessor']
