"""aqa_mm: action quality assessment (2M-AF) on mmengine / mmaction2.

Importing the package registers every component into mmaction2's registries
and applies the narrow environment fixes in :mod:`aqa_mm.utils`.
"""
from .utils.quiet_imports import import_quietly

import_quietly()  # before anything imports mmaction.models

from .utils.checkpoint import patch_mmengine_checkpointing  # noqa: E402
from .version import __version__  # noqa: E402

patch_mmengine_checkpointing()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
