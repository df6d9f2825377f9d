"""Training-loop components registered into mmaction2: hooks and the runner
(:class:`AQARunner`, built by :func:`build_runner`)."""
from .atomic_local_backend import ATOMIC_LOCAL_BACKEND, AtomicLocalBackend
from .hooks import EpochSeedHook, NonFiniteLossError, NonFiniteLossHook
from .runner import AQARunner, build_runner

__all__ = [
    'ATOMIC_LOCAL_BACKEND', 'AtomicLocalBackend', 'AQARunner', 'build_runner',
    'EpochSeedHook', 'NonFiniteLossError', 'NonFiniteLossHook'
]
