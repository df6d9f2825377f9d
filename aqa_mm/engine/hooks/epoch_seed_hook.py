"""Reseed the global RNGs at the start of every training epoch.

Why this exists: mmengine does not store the random-number state in
checkpoints. On ``--resume`` it only re-seeds with the run's seed, so the
resumed epoch draws different dropout masks, DataLoader worker seeds and
augmentations (``UniformSampleFrames`` and the masks use ``np.random``) than
the uninterrupted run did, and a run killed mid-epoch and resumed ends with
different weights (measured: tests/reliability/test_crash_resume.py fails
without this hook). Seeding ``random``, ``numpy`` and ``torch`` from
``(seed, epoch[, rank])`` before each epoch makes every epoch's randomness a
function of the seed and the epoch only, so resuming from ``epoch_N.pth``
replays epoch N+1 exactly.

Scope: epoch-based loops. Data workers: with ``num_workers=0`` or
``persistent_workers=False`` the guarantee holds (workers are re-created
each epoch from the reseeded torch RNG and mmengine's ``worker_init_fn``);
persistent workers keep their own numpy state across epochs, which a resume
restarts, so those runs continue correctly but not bit-for-bit.
"""
import random

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook

from aqa_mm.registry import HOOKS


def epoch_seed(seed: int, epoch: int, rank: int = 0) -> int:
    """A 32-bit seed derived from the run seed, the epoch and the rank.

    Args:
        seed (int): The run's seed (``runner.seed``).
        epoch (int): 0-based epoch.
        rank (int): Process rank (0 unless ``diff_rank_seed``).

    Returns:
        int: A seed in ``[0, 2**32)``.
    """
    return int(
        np.random.SeedSequence([seed, epoch, rank]).generate_state(1)[0])


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Seed ``random``, ``numpy`` and ``torch`` from (seed, epoch) before
    every training epoch, so ``--resume`` replays the interrupted epoch."""

    priority = 'VERY_HIGH'  # before anything in the epoch draws numbers

    def before_train_epoch(self, runner) -> None:
        """Reseed the global RNGs for ``runner.epoch``.

        Args:
            runner (mmengine.runner.Runner): The runner; its ``seed`` and
                ``randomness.diff_rank_seed`` are used.
        """
        seed = runner.seed
        if seed is None:
            return
        randomness = getattr(runner, '_randomness_cfg', None) or {}
        rank = get_rank() if randomness.get('diff_rank_seed') else 0
        value = epoch_seed(seed, runner.epoch, rank)
        random.seed(value)
        np.random.seed(value)
        torch.manual_seed(value)  # also seeds every CUDA device
