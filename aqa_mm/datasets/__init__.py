from .aqa_dataset import AQADataset
from .transforms import PackAQAInputs
from .wrappers import SubsetDataset

__all__ = ['AQADataset', 'PackAQAInputs', 'SubsetDataset']
