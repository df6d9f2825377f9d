"""Judge-like scores for the SYNTHETIC dataset.

Execution quality is ``Q = 1 - sum_k w_k * severity_k`` (clipped to [0, 1],
weights per class summing to 1), so the score falls strictly with every
error severity. A panel of judges marks ``10 * Q`` on a 0-10 scale with a
little Gaussian noise, rounded to the panel's step; the highest and lowest
marks are dropped and the rest averaged into ``q`` in [0, 1]. The class's
score is then ``E(q) = lo + (hi - lo) * q`` on its execution range, combined
with the difficulty like the real sport:

* ``None``: ``score = E`` (e.g. a big-air-like 8-50 range);
* ``'multiply'``: ``score = E * DD`` (diving);
* ``'add'``: ``score = D + E`` (gymnastics vault).
"""
from dataclasses import dataclass
from typing import Dict, Mapping, Optional, Tuple

import numpy as np

from .errors import ERROR_NAMES, check_severities


@dataclass(frozen=True)
class ScoreSpec:
    """Scoring rules of one class.

    Attributes:
        execution_range (tuple[float, float]): Execution part for q = 0, 1.
        weights (tuple[float, ...]): Error weights in ``ERROR_NAMES`` order,
            summing to 1.
        difficulty_mode (str | None): ``None``, ``'multiply'`` or ``'add'``.
        difficulty_levels (tuple[float, ...]): Difficulty value per level
            (empty without difficulty). The level is visible in the motion.
        num_judges (int): Judges on the panel (>= 3).
        judge_sigma (float): Std of a judge's mark on the 0-10 scale.
        mark_step (float): Rounding step of a mark.
    """

    execution_range: Tuple[float, float]
    weights: Tuple[float, ...]
    difficulty_mode: Optional[str] = None
    difficulty_levels: Tuple[float, ...] = ()
    num_judges: int = 5
    judge_sigma: float = 0.25
    mark_step: float = 0.1

    def __post_init__(self) -> None:
        if len(self.weights) != len(ERROR_NAMES):
            raise ValueError('one weight per error is required')
        if abs(sum(self.weights) - 1.0) > 1e-6 or min(self.weights) < 0:
            raise ValueError('weights must be non-negative and sum to 1')
        if (self.difficulty_mode is None) != (not self.difficulty_levels):
            raise ValueError('difficulty levels go with a difficulty mode')
        if self.difficulty_mode not in (None, 'multiply', 'add'):
            raise ValueError(f'bad difficulty_mode {self.difficulty_mode!r}')
        if self.num_judges < 3:
            raise ValueError('num_judges must be >= 3')

    @property
    def num_levels(self) -> int:
        """int: Number of difficulty levels (1 without difficulty)."""
        return max(1, len(self.difficulty_levels))

    def combine(self, q: float, difficulty: Optional[float]) -> float:
        """Score for execution ``q`` in [0, 1] and a difficulty value.

        Args:
            q (float): Execution quality in [0, 1].
            difficulty (float | None): Difficulty (None without).

        Returns:
            float: The score.
        """
        lo, hi = self.execution_range
        e = lo + (hi - lo) * q
        if self.difficulty_mode == 'multiply':
            return e * difficulty
        if self.difficulty_mode == 'add':
            return e + difficulty
        return e

    @property
    def score_range(self) -> Tuple[float, float]:
        """tuple[float, float]: Lowest and highest possible score."""
        ds = self.difficulty_levels or (None,)
        return (float(min(self.combine(0.0, d) for d in ds)),
                float(max(self.combine(1.0, d) for d in ds)))


_W = dict(  # jitter, timing, amplitude, balance, asymmetry, form
    jump=(0.15, 0.15, 0.30, 0.15, 0.10, 0.15),
    squat=(0.15, 0.20, 0.25, 0.15, 0.15, 0.10),
    pike_dive=(0.10, 0.10, 0.25, 0.20, 0.10, 0.25),
    vault=(0.10, 0.10, 0.25, 0.25, 0.10, 0.20),
    cartwheel=(0.15, 0.10, 0.20, 0.15, 0.25, 0.15))

SCORE_SPECS: Dict[str, ScoreSpec] = {
    'jump': ScoreSpec((8.0, 50.0), _W['jump']),
    'squat': ScoreSpec((0.0, 10.0), _W['squat']),
    'pike_dive': ScoreSpec((10.5, 30.0), _W['pike_dive'], 'multiply',
                           (2.0, 2.7, 3.4), mark_step=0.5),
    'vault': ScoreSpec((7.0, 10.0), _W['vault'], 'add', (5.0, 6.0, 7.0)),
    'cartwheel': ScoreSpec((40.0, 100.0), _W['cartwheel']),
}


def execution_quality(severities: Mapping[str, float],
                      spec: ScoreSpec) -> float:
    """Noise-free execution quality ``Q`` in [0, 1].

    Args:
        severities (Mapping[str, float]): Severity per error name.
        spec (ScoreSpec): Scoring rules of the class.

    Returns:
        float: ``1 - sum(w * severity)`` clipped to [0, 1].
    """
    s = check_severities(severities)
    penalty = sum(w * s[n] for w, n in zip(spec.weights, ERROR_NAMES))
    return float(np.clip(1.0 - penalty, 0.0, 1.0))


def judge_score(severities: Mapping[str, float], spec: ScoreSpec,
                difficulty: Optional[float],
                rng: Optional[np.random.Generator] = None) -> float:
    """Score one performance like a judging panel.

    Args:
        severities (Mapping[str, float]): Severity per error name.
        spec (ScoreSpec): Scoring rules of the class.
        difficulty (float | None): Difficulty value (None without).
        rng (np.random.Generator, optional): Judge noise source; None gives
            the exact, noise-free score.

    Returns:
        float: The score (rounded to 2 decimals when judged with noise).
    """
    quality = execution_quality(severities, spec)
    if rng is None:
        return float(spec.combine(quality, difficulty))
    marks = 10.0 * quality + rng.normal(0.0, spec.judge_sigma, spec.num_judges)
    marks = np.clip(np.round(marks / spec.mark_step) * spec.mark_step, 0, 10)
    q = float(np.sort(marks)[1:-1].mean()) / 10.0
    return round(float(spec.combine(q, difficulty)), 2)
