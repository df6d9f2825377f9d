from .aqa_dataset import AQADataset
from .subset_pose_dataset import SubsetPoseDataset
from .transforms import PackAQAInputs

__all__ = ['AQADataset', 'PackAQAInputs', 'SubsetPoseDataset']
