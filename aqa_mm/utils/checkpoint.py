"""Resume that works under ``torch.load(weights_only=True)`` (torch >= 2.6).

Why this exists: torch 2.6 made ``weights_only=True`` the default of
``torch.load``. mmengine 0.10.7 checkpoints pickle (a) numpy arrays, dtypes and
scalars in ``meta`` and the message hub, and (b) ``HistoryBuffer`` objects whose
``__getstate__`` adds a ``statistics_methods`` dict of functions, which pickle
protocol 2 stores as ``builtins.getattr(HistoryBuffer, 'mean')`` calls. So
``--resume`` fails with "Unsupported global".

The fix is deliberately narrow; weights_only stays on everywhere:

1. ``HistoryBuffer`` pickles without the functions; ``__setstate__`` (mmengine's
   own) already rebuilds them from the class-level table on load.
2. Only ``HistoryBuffer`` and the numpy reconstruction types are allow-listed.
3. Checkpoints written before this patch (or by plain mmengine) still contain
   ``builtins.getattr``. Instead of allow-listing ``getattr`` (which would let
   a pickle reach any attribute of any allowed object), that name resolves to
   :func:`history_buffer_getattr`, which only returns HistoryBuffer's
   registered statistics functions and refuses everything else.

External pretrained weights (``load_from`` / ``init_cfg``) go through the same
weights-only loader and so stay protected.
"""
import pickle
from typing import Any, Callable, List

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

_PATCHED = False


def _history_buffer_getstate(self: HistoryBuffer) -> dict:
    """State of a HistoryBuffer without its (unpicklable-when-safe) functions.

    Unlike mmengine's version this does not mutate ``self.__dict__``.
    """
    state = dict(self.__dict__)
    state.pop('statistics_methods', None)
    return state


def history_buffer_getattr(obj: Any, name: str) -> Callable:
    """Stand-in for ``builtins.getattr`` when loading old mmengine checkpoints.

    Args:
        obj (Any): Must be the ``HistoryBuffer`` class.
        name (str): Must name a registered statistics method (``'mean'``,
            ``'min'``, ``'max'``, ``'current'`` or a custom-registered one).

    Returns:
        Callable: ``getattr(HistoryBuffer, name)``.

    Raises:
        pickle.UnpicklingError: For any other object or attribute.
    """
    if obj is HistoryBuffer and name in HistoryBuffer._statistics_methods:
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'checkpoint asks for getattr({obj!r}, {name!r}); only '
        'HistoryBuffer statistics methods are allowed under weights_only '
        'loading (see aqa_mm/utils/checkpoint.py)')


def _numpy_safe_globals() -> List[Any]:
    """numpy types that mmengine checkpoints need to rebuild arrays/scalars."""
    try:  # numpy >= 2
        from numpy._core.multiarray import _reconstruct, scalar
    except ImportError:  # numpy 1.x
        from numpy.core.multiarray import _reconstruct, scalar
    dtype_classes = [type(np.dtype(t)) for t in (
        np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8,
        np.uint16, np.uint32, np.uint64, np.float16, np.float32, np.float64)]
    return [_reconstruct, scalar, np.ndarray, np.dtype, *dtype_classes]


def patch_mmengine_checkpointing() -> None:
    """Apply the weights-only resume fix once per process (idempotent)."""
    global _PATCHED
    if _PATCHED:
        return
    HistoryBuffer.__getstate__ = _history_buffer_getstate
    torch.serialization.add_safe_globals([
        HistoryBuffer, *_numpy_safe_globals(),
        (history_buffer_getattr, 'builtins.getattr'),
    ])
    _PATCHED = True
