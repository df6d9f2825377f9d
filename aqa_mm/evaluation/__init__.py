from .dump_aqa_results import DumpAQAResults
from .functional import fisher_z_average, mse, relative_l2, spearman
from .spearman_metric import SpearmanMetric

__all__ = ['spearman', 'fisher_z_average', 'relative_l2', 'mse',
           'SpearmanMetric', 'DumpAQAResults']
