"""StrictPretrained: load pretrained weights and fail loudly on mismatch."""
from typing import Optional, Sequence

import torch.nn as nn
from mmengine.runner.checkpoint import _load_checkpoint

from aqa_mm.registry import WEIGHT_INITIALIZERS
from aqa_mm.utils.checkpoint import checkpoint_safe_globals
from aqa_mm.utils.cli import UserError
from .backbone_weights import read_state_dict, strip_prefix

_SHOWN = 8


def _listing(keys: Sequence[str]) -> str:
    keys = sorted(keys)
    more = f' ... (+{len(keys) - _SHOWN} more)' if len(keys) > _SHOWN else ''
    return ', '.join(keys[:_SHOWN]) + more


@WEIGHT_INITIALIZERS.register_module(name='StrictPretrained')
class StrictPretrainedInit:
    """Initialise a module from a checkpoint, requiring the keys to match.

    mmengine's ``Pretrained`` init loads with ``strict=False`` and only logs
    mismatches, so a checkpoint from another model, or a wrong ``prefix``,
    silently leaves the network random. This initializer raises instead,
    naming the missing and the unexpected keys. The file is read with
    ``torch.load(weights_only=True)``.

    Use in a config as::

        init_cfg=dict(type='StrictPretrained', checkpoint=PATH,
                      prefix='backbone.')

    Args:
        checkpoint (str): Path or URL of the checkpoint.
        prefix (str, optional): Only keys starting with it are used, with the
            prefix removed (e.g. ``'backbone.'``). Its old and new names
            (``'encoder.'`` / ``'backbone.'``, see
            :data:`aqa_mm.utils.checkpoint.OLD_PREFIXES`) are accepted too.
            Defaults to None (all keys).
        ignore_missing (Sequence[str]): Key prefixes of the module that may
            stay uninitialised (e.g. a new head). Defaults to ().
        ignore_unexpected (Sequence[str]): Key prefixes (after ``prefix``
            is removed) of the checkpoint that may go unused, e.g. ``'fc.'``
            when a feature-output encoder is loaded into a map-output
            backbone. Defaults to ().
        map_location (str): Defaults to ``'cpu'``.
    """

    def __init__(self, checkpoint: str, prefix: Optional[str] = None,
                 ignore_missing: Sequence[str] = (),
                 ignore_unexpected: Sequence[str] = (),
                 map_location: str = 'cpu') -> None:
        self.checkpoint = checkpoint
        self.prefix = prefix
        self.ignore_missing = tuple(ignore_missing)
        self.ignore_unexpected = tuple(ignore_unexpected)
        self.map_location = map_location

    def __call__(self, module: nn.Module) -> None:
        """Load the weights into ``module``.

        Args:
            module (nn.Module): The module whose ``init_cfg`` this is.

        Raises:
            UserError: If no key matches, keys are missing / unexpected, or
                shapes differ (tools print it as a one-line error).
        """
        # logger='current': mmengine's "Loads checkpoint by ... backend"
        # line goes to the run's log (and follows its level) instead of a
        # bare print on every model build
        with checkpoint_safe_globals():
            ckpt = _load_checkpoint(self.checkpoint,
                                    map_location=self.map_location,
                                    logger='current')
        state = read_state_dict(ckpt, self.checkpoint)
        if self.prefix:
            # the old and new names of a prefix (encoder. / backbone.) are
            # one: checkpoints from before a rename still load
            state = strip_prefix(state, [self.prefix], self.checkpoint)[1]
        own = module.state_dict()
        missing = [k for k in own if k not in state
                   and not k.startswith(self.ignore_missing)
                   and not k.endswith('num_batches_tracked')]
        # BatchNorm's num_batches_tracked is bookkeeping, not a weight: old
        # checkpoints lack it and some modules do not save it
        unexpected = [k for k in state if k not in own
                      and not k.endswith('num_batches_tracked')
                      and not k.startswith(self.ignore_unexpected)]
        if missing or unexpected:
            raise UserError(
                f'{self.checkpoint} (prefix {self.prefix!r}) does not fit '
                f'{type(module).__name__}: '
                f'missing keys [{_listing(missing)}]; '
                f'unexpected keys [{_listing(unexpected)}]')
        shape_errors = [f'{k}: {tuple(state[k].shape)} vs {tuple(v.shape)}'
                        for k, v in own.items()
                        if k in state and state[k].shape != v.shape]
        if shape_errors:
            raise UserError(f'{self.checkpoint}: shape mismatch for '
                           f'{_listing(shape_errors)}')
        module.load_state_dict(
            {k: v for k, v in state.items() if k in own}, strict=False)

    def __repr__(self) -> str:
        return (f'StrictPretrained(checkpoint={self.checkpoint!r}, '
                f'prefix={self.prefix!r})')
