"""Resume that works under ``torch.load(weights_only=True)`` (torch >= 2.6).

Why this exists: torch 2.6 made ``weights_only=True`` the default of
``torch.load``. mmengine 0.10.7 checkpoints pickle (a) numpy arrays, dtypes and
scalars in ``meta`` and the message hub, and (b) ``HistoryBuffer`` objects
whose ``__getstate__`` adds a ``statistics_methods`` dict of functions, which
pickle protocol 2 stores as ``builtins.getattr(HistoryBuffer, 'mean')`` calls.
So ``--resume`` fails with "Unsupported global".

The fix is deliberately narrow; weights_only stays on everywhere:

1. ``HistoryBuffer`` pickles without the functions; ``__setstate__``
   (mmengine's own) already rebuilds them from the class-level table on load.
2. Only ``HistoryBuffer`` and the numpy reconstruction types are allow-listed.
3. Checkpoints written before this patch (or by plain mmengine) still contain
   ``builtins.getattr``. Instead of allow-listing ``getattr`` (which would let
   a pickle reach any attribute of any allowed object), that name resolves to
   :func:`history_buffer_getattr`, which only returns HistoryBuffer's
   registered statistics functions and refuses everything else.

External pretrained weights (``load_from`` / ``init_cfg``) go through the same
weights-only loader and so stay protected.

Crash safety: mmengine writes checkpoints straight to their final name, so a
kill during ``torch.save`` leaves a truncated ``epoch_N.pth``. Local
checkpoints are therefore written to a temporary file and renamed
(:func:`atomic_save_checkpoint`), and :func:`find_latest_checkpoint` falls
back to the newest complete checkpoint when ``last_checkpoint`` is empty or
points at a missing file.
"""
import glob
import os
import os.path as osp
import pickle
import re
from typing import Any, Callable, List, Optional

import numpy as np
import torch
import mmengine.runner.checkpoint as mm_checkpoint
import mmengine.runner.runner as mm_runner
from mmengine.logging import HistoryBuffer

from .io import atomic_open

_ORIGINAL_SAVE = mm_checkpoint.save_checkpoint

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


def atomic_save_checkpoint(checkpoint: dict, filename: str,
                           file_client_args: Optional[dict] = None,
                           backend_args: Optional[dict] = None) -> None:
    """mmengine's ``save_checkpoint``, atomic for local files.

    Args:
        checkpoint (dict): The checkpoint to save.
        filename (str): Destination; remote URIs (``s3://``, ``pavi://``)
            and custom backends go to mmengine unchanged.
        file_client_args (dict, optional): Deprecated mmengine argument.
        backend_args (dict, optional): mmengine storage backend arguments.
    """
    if '://' in filename or file_client_args or backend_args:
        _ORIGINAL_SAVE(checkpoint, filename, file_client_args=file_client_args,
                       backend_args=backend_args)
        return
    with atomic_open(filename, 'wb') as f:
        torch.save(checkpoint, f)


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


def patch_mmengine_checkpointing() -> None:
    """Apply the resume and crash-safety fixes once per process."""
    global _PATCHED
    if _PATCHED:
        return
    mm_checkpoint.save_checkpoint = atomic_save_checkpoint
    mm_runner.save_checkpoint = atomic_save_checkpoint
    mm_runner.find_latest_checkpoint = find_latest_checkpoint
    HistoryBuffer.__getstate__ = _history_buffer_getstate
    torch.serialization.add_safe_globals([
        HistoryBuffer, *_numpy_safe_globals(),
        (history_buffer_getattr, 'builtins.getattr'),
    ])
    _PATCHED = True


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
    ckpt = torch.load(filename, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else {}
    state = {k[7:] if k.startswith('module.') else k: v
             for k, v in state.items()}
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
