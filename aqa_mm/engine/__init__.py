"""Training-loop components (mmengine hooks) registered into mmaction2."""
from .hooks import EpochSeedHook, NonFiniteLossError, NonFiniteLossHook

__all__ = ['EpochSeedHook', 'NonFiniteLossError', 'NonFiniteLossHook']
