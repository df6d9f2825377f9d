from .dump_aqa_results import DumpAQAResults
from .functional import fisher_z_average, mse, relative_l2, spearman
from .representation_eval import (evaluate_representation, extract_features,
                                  knn_top1, linear_probe_top1)
from .spearman_metric import SpearmanMetric

__all__ = ['spearman', 'fisher_z_average', 'relative_l2', 'mse',
           'SpearmanMetric', 'DumpAQAResults', 'evaluate_representation',
           'extract_features', 'knn_top1', 'linear_probe_top1']
