from .aqa_dataset import AQADataset
from .transforms import PackAQAInputs

__all__ = ['AQADataset', 'PackAQAInputs']
