from .multi_input_data_preprocessor import MultiInputDataPreprocessor
from .sequence_data_preprocessor import SequenceDataPreprocessor

__all__ = ['MultiInputDataPreprocessor', 'SequenceDataPreprocessor']
