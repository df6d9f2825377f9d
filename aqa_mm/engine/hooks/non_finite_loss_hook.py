"""Stop training at the first NaN/inf loss, before it reaches a checkpoint.

Without this hook a diverged run keeps going: every later step is NaN and
mmengine's ``CheckpointHook`` saves (and, with ``max_keep_ckpts``, rotates
out the good checkpoints in favour of) NaN weights. The hook checks the loss
values of every iteration in ``after_train_iter`` with a higher priority than
``CheckpointHook`` (``VERY_LOW``), so it raises before any checkpoint of the
bad iteration or epoch is written; checkpoints already on disk are never
touched. The optimizer step of the bad iteration has been applied in memory,
but those weights are discarded with the process.
"""
import math
from typing import Dict, Optional, Sequence

import torch
import torch.distributed as dist
from mmengine.dist import all_reduce
from mmengine.hooks import Hook

from aqa_mm.registry import HOOKS


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN or infinite loss (reported as one line)."""
    aqa_user_error = True


def _as_float(value) -> Optional[float]:
    """A scalar log value as float, or None for non-scalars."""
    if isinstance(value, torch.Tensor):
        return float(value.detach().float().mean()) if value.numel() else None
    if isinstance(value, (int, float)):
        return float(value)
    return None


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Raise :class:`NonFiniteLossError` at the first non-finite loss.

    Args:
        keys (Sequence[str]): Prefixes of the ``train_step`` outputs to
            check. Defaults to ``('loss',)`` (the total and every
            ``loss_*`` term, mmengine's naming).
    """

    priority = 'ABOVE_NORMAL'  # before CheckpointHook (VERY_LOW)

    def __init__(self, keys: Sequence[str] = ('loss', )) -> None:
        self.keys = tuple(keys)

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[Dict] = None) -> None:
        """Check this iteration's losses; raise if any is NaN or inf.

        Args:
            runner (mmengine.runner.Runner): The runner.
            batch_idx (int): 0-based index of the batch in this epoch.
            data_batch (dict, optional): The batch (unused).
            outputs (dict, optional): ``train_step``'s log variables.
        """
        losses = {k: _as_float(v) for k, v in (outputs or {}).items()
                  if k.startswith(self.keys)}
        bad = {k: v for k, v in losses.items()
               if v is not None and not math.isfinite(v)}
        if dist.is_available() and dist.is_initialized():
            # every rank stops at the same iteration, none waits forever
            flag = torch.tensor([float(bool(bad))])
            # mmengine's all_reduce moves the flag to the backend's device
            # (NCCL has no CPU backend) and back
            all_reduce(flag)
            if flag.item() and not bad:
                bad = {'loss (on another rank)': float('nan')}
        if not bad:
            return
        shown = ', '.join(f'{k}={v}' for k, v in losses.items()
                          if v is not None) or ', '.join(bad)
        try:
            per_epoch = f'/{len(runner.train_dataloader)}'
        except TypeError:
            per_epoch = ''
        # runner.iter is incremented after this hook: +1 for 1-based numbers
        raise NonFiniteLossError(
            f'non-finite loss at iteration {runner.iter + 1} (epoch '
            f'{runner.epoch + 1}, batch {batch_idx + 1}{per_epoch}): {shown}; '
            'training stopped, no checkpoint was written for this epoch '
            f'(checkpoints already in {runner.work_dir} are unchanged). '
            'Lower the learning rate or check the inputs of this batch')
