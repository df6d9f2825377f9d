"""Checkpoints that load under ``torch.load(weights_only=True)`` (torch >= 2.6)
and that a kill cannot leave half-written.

Why this exists: torch 2.6 made ``weights_only=True`` the default of
``torch.load``. mmengine 0.10.7 checkpoints pickle (a) numpy arrays, dtypes and
scalars in ``meta`` and the message hub, and (b) ``HistoryBuffer`` objects
whose ``__getstate__`` adds a ``statistics_methods`` dict of functions, which
pickle protocol 2 stores as ``builtins.getattr(HistoryBuffer, 'mean')`` calls.
So ``--resume`` fails with "Unsupported global".

The fix is narrow, and nothing here changes mmengine or torch when aqa_mm is
imported; weights_only stays on everywhere:

1. :func:`checkpoint_safe_globals` allow-lists ``HistoryBuffer`` and the numpy
   reconstruction types for the duration of one load and then restores
   torch's list exactly as it was.
2. Checkpoints written by plain mmengine contain ``builtins.getattr``.
   Instead of allow-listing ``getattr`` (which would let a pickle reach any
   attribute of any allowed object), that name resolves, inside the same
   scope, to :func:`history_buffer_getattr`, which only returns
   HistoryBuffer's registered statistics functions and refuses the rest.
3. :func:`history_buffers_without_functions` makes ``HistoryBuffer`` pickle
   without those functions during one save (mmengine's own ``__setstate__``
   rebuilds them on load), so new checkpoints hold no ``getattr`` call.

:class:`aqa_mm.engine.AQARunner` uses these around its own save and load
calls, writes checkpoints atomically and resumes from
:func:`find_latest_checkpoint`; readers of checkpoints outside a runner use
:func:`load_checkpoint_file` or wrap mmengine's loaders in
:func:`checkpoint_safe_globals`.
"""
import glob
import os.path as osp
import pickle
import re
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import numpy as np
import torch
from mmengine.logging import HistoryBuffer


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


@contextmanager
def checkpoint_safe_globals() -> Iterator[None]:
    """Let weights-only ``torch.load`` read mmengine checkpoints, in a scope.

    Inside the ``with`` block ``HistoryBuffer``, the numpy reconstruction
    types and :func:`history_buffer_getattr` (as ``builtins.getattr``) are
    allowed; on exit torch's safe-global list is restored exactly (entries
    the caller had added before stay, ours go). Nesting is fine.

    Yields:
        None
    """
    before = torch.serialization.get_safe_globals()
    torch.serialization.add_safe_globals([
        HistoryBuffer, *_numpy_safe_globals(),
        (history_buffer_getattr, 'builtins.getattr')])
    try:
        yield
    finally:
        torch.serialization.clear_safe_globals()
        torch.serialization.add_safe_globals(before)


@contextmanager
def history_buffers_without_functions() -> Iterator[None]:
    """Pickle ``HistoryBuffer`` without its statistics functions, in a scope.

    The only class-level swap in aqa_mm, and it cannot be avoided:
    ``torch.save`` (called inside mmengine's ``Runner.save_checkpoint``)
    offers no per-class pickling hook, and mmengine's
    ``HistoryBuffer.__getstate__`` stores functions that weights-only
    loading refuses. The original method is restored on exit, even on error.

    Yields:
        None
    """
    had_own = '__getstate__' in HistoryBuffer.__dict__
    original = HistoryBuffer.__dict__.get('__getstate__')
    HistoryBuffer.__getstate__ = _history_buffer_getstate
    try:
        yield
    finally:
        if had_own:
            HistoryBuffer.__getstate__ = original
        else:
            del HistoryBuffer.__getstate__


def load_checkpoint_file(filename: str, map_location: Any = 'cpu') -> Any:
    """``torch.load`` of a local checkpoint, weights only, mmengine-aware.

    Args:
        filename (str): Local ``.pth`` file (mmengine format or a plain state
            dict).
        map_location (str | callable): As :func:`torch.load`. Defaults to
            ``'cpu'``.

    Returns:
        Any: The unpickled checkpoint (usually a dict with ``state_dict``).
    """
    with checkpoint_safe_globals():
        return torch.load(filename, map_location=map_location,
                          weights_only=True)


#: State-dict prefixes of older aqa_mm checkpoints and their current names:
#: ``SMEPretrainer`` saved its feature extractor as ``encoder.`` before it
#: was named ``backbone`` like every other model's.
OLD_PREFIXES: Dict[str, str] = {'encoder.': 'backbone.'}


def renamed_old_prefixes(model: torch.nn.Module) -> List[Tuple[str, str]]:
    """The (old, new) prefixes of :data:`OLD_PREFIXES` that apply to a model.

    A pair applies when ``model`` has the new attribute but not the old one,
    so a model that still uses an old name loads its keys unchanged.

    Args:
        model (nn.Module): The (unwrapped) model a checkpoint goes into.

    Returns:
        list[tuple[str, str]]: E.g. ``[('encoder.', 'backbone.')]``.
    """
    return [(old, new) for old, new in OLD_PREFIXES.items()
            if hasattr(model, new[:-1]) and not hasattr(model, old[:-1])]


def rename_old_prefixes(state: Dict[str, Any],
                        model: torch.nn.Module) -> Dict[str, Any]:
    """``state`` with the old prefixes that apply to ``model`` renamed.

    Args:
        state (dict): A state dict.
        model (nn.Module): The (unwrapped) model it goes into.

    Returns:
        dict: The same values; keys under an old prefix get the new one.
    """
    for old, new in renamed_old_prefixes(model):
        state = {new + k[len(old):] if k.startswith(old) else k: v
                 for k, v in state.items()}
    return state


def find_latest_checkpoint(path: str) -> Optional[str]:
    """The checkpoint to auto-resume from in ``path``.

    Reads ``last_checkpoint`` like mmengine; if that file is missing, empty
    or names a file that does not exist, falls back to the newest
    ``epoch_*.pth`` / ``iter_*.pth`` in ``path``.

    Args:
        path (str): The work_dir.

    Returns:
        str | None: Checkpoint path, or None when there is none.
    """
    record = osp.join(path, 'last_checkpoint')
    if osp.isfile(record):
        with open(record) as f:
            last = f.read().strip()
        if last and ('://' in last or osp.isfile(last)):
            return last
    found = []
    for ckpt in glob.glob(osp.join(path, '*.pth')):
        m = re.fullmatch(r'(epoch|iter)_(\d+)\.pth', osp.basename(ckpt))
        if m:
            found.append((int(m.group(2)), ckpt))
    return max(found)[1] if found else None


def _key_listing(keys: List[str], limit: int = 8) -> str:
    shown = ', '.join(keys[:limit])
    return f'{shown}, ... ({len(keys)} in all)' if len(keys) > limit else shown


def check_checkpoint_matches(model: torch.nn.Module, filename: str) -> None:
    """Refuse a checkpoint whose weights do not fit ``model``.

    mmengine loads ``load_from`` with ``strict=False`` and only logs a
    warning, so testing a checkpoint of another model silently evaluates
    randomly initialised layers. This names what does not fit instead.

    Args:
        model (torch.nn.Module): The built model (unwrapped or DDP-wrapped).
        filename (str): Local checkpoint path (mmengine format or a plain
            state dict), read weights-only.

    Raises:
        UserError: Listing the missing keys (in the model, not in the file),
            the unexpected keys (in the file, not in the model) and the keys
            whose shapes differ.
    """
    from .cli import UserError
    model = getattr(model, 'module', model)
    ckpt = load_checkpoint_file(filename)
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else {}
    state = rename_old_prefixes({k[7:] if k.startswith('module.') else k: v
                                 for k, v in state.items()}, model)
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    shapes = [f'{k} {tuple(state[k].shape)} in the file vs '
              f'{tuple(own[k].shape)}' for k in own
              if k in state and hasattr(state[k], 'shape')
              and tuple(state[k].shape) != tuple(own[k].shape)]
    if missing or unexpected or shapes:
        raise UserError(
            f'checkpoint {filename} does not fit {type(model).__name__} '
            f'(a checkpoint of another model?): missing keys '
            f'[{_key_listing(missing)}]; unexpected keys '
            f'[{_key_listing(unexpected)}]; shape mismatches '
            f'[{_key_listing(shapes)}]')
