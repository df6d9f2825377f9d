"""Hooks enabled by ``configs/_base_/default_runtime.py``."""
from .epoch_seed_hook import EpochSeedHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook

__all__ = ['EpochSeedHook', 'NonFiniteLossError', 'NonFiniteLossHook']
