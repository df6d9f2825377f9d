from .aqa_dataset import AQADataset
from .subset_pose_dataset import SubsetPoseDataset
from .transforms import PackAQAInputs
from .wrappers import SubsetDataset

__all__ = ['AQADataset', 'PackAQAInputs', 'SubsetDataset',
           'SubsetPoseDataset']
