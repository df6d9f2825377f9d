"""Hooks enabled by ``configs/_base_/default_runtime.py``."""
from .epoch_seed_hook import EpochSeedHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook
from .pfm_fallback_hook import PFMFallbackHook, fallback_decision
from .representation_eval_hook import RepresentationEvalHook

__all__ = [
    'EpochSeedHook', 'NonFiniteLossError', 'NonFiniteLossHook',
    'PFMFallbackHook', 'fallback_decision', 'RepresentationEvalHook'
]
