"""aqa_mm registers its components directly into mmaction2's registries.

So configs use ``default_scope='mmaction'`` and load the package with
``custom_imports=dict(imports=['aqa_mm'])``; mmaction2's own components
(``STGCN``, ``PoseDecode``, ...) and ours live side by side.
"""
from mmaction.registry import (DATASETS, HOOKS, METRICS, MODELS, RUNNERS,
                               TRANSFORMS, VISUALIZERS, WEIGHT_INITIALIZERS)

__all__ = [
    'DATASETS', 'HOOKS', 'METRICS', 'MODELS', 'RUNNERS', 'TRANSFORMS',
    'VISUALIZERS', 'WEIGHT_INITIALIZERS'
]
