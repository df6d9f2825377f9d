from .multi_input_data_preprocessor import MultiInputDataPreprocessor

__all__ = ['MultiInputDataPreprocessor']
