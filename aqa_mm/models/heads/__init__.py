from .regression_head import AQARegressionHead

__all__ = ['AQARegressionHead']
