"""aqa_mm: action quality assessment (2M-AF) on mmengine / mmaction2.

Importing the package registers every component into mmaction2's registries
(models, datasets, hooks, metrics, the ``AQARunner``); it changes nothing in
mmengine or torch.
"""
from .utils.quiet_imports import import_quietly

import_quietly()  # before anything imports mmaction.models

from .version import __version__  # noqa: E402

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
