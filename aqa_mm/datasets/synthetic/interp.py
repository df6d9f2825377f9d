"""Keyframe interpolation helpers for the SYNTHETIC motion generator.

All functions are vectorised over the phase array ``u`` (normalised time of
the performance, 0 = start, 1 = end).
"""
from typing import Sequence

import numpy as np


def smoothstep(x: np.ndarray) -> np.ndarray:
    """Cubic ease ``3x^2 - 2x^3`` of ``x`` clipped to [0, 1].

    Args:
        x (np.ndarray): (...) any shape.

    Returns:
        np.ndarray: (...) values in [0, 1].
    """
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def keyframes(u: np.ndarray, phases: Sequence[float],
              values: Sequence[float], mode: str = 'cubic') -> np.ndarray:
    """Interpolate one channel through keyframes.

    ``'cubic'`` is a monotone-preserving cubic Hermite spline: slopes are
    zero at local extrema and plateaus (holds stay flat, no overshoot) and
    continuous through monotone runs (rotations keep their speed).
    ``'ease'`` eases in and out of every keyframe; ``'linear'`` is
    piecewise linear. Outside the keyframe range the end values are held.

    Args:
        u (np.ndarray): (T,) phases.
        phases (Sequence[float]): (K,) strictly increasing keyframe phases,
            K >= 2.
        values (Sequence[float]): (K,) channel values at the keyframes.
        mode (str): ``'cubic'``, ``'ease'`` or ``'linear'``.

    Returns:
        np.ndarray: (T,) interpolated values.
    """
    p = np.asarray(phases, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if p.shape != v.shape or p.ndim != 1 or p.size < 2:
        raise ValueError('phases and values must be 1-D of equal length >= 2')
    if np.any(np.diff(p) <= 0):
        raise ValueError('keyframe phases must be strictly increasing')
    if mode == 'linear':
        return np.interp(u, p, v)
    idx = np.clip(np.searchsorted(p, u, side='right') - 1, 0, p.size - 2)
    h = p[idx + 1] - p[idx]
    x = np.clip((u - p[idx]) / h, 0.0, 1.0)
    dv = v[idx + 1] - v[idx]
    if mode == 'ease':
        return v[idx] + dv * smoothstep(x)
    if mode != 'cubic':
        raise ValueError(f'unknown interpolation mode {mode!r}')
    secant = np.diff(v) / np.diff(p)
    slope = np.zeros_like(v)
    inner = secant[:-1] * secant[1:] > 0
    slope[1:-1][inner] = 2.0 / (1.0 / secant[:-1][inner]
                                + 1.0 / secant[1:][inner])
    x2, x3 = x * x, x * x * x
    return (v[idx] * (2 * x3 - 3 * x2 + 1) + slope[idx] * h * (x3 - 2 * x2 + x)
            + v[idx + 1] * (3 * x2 - 2 * x3) + slope[idx + 1] * h * (x3 - x2))


def parabola_through(u: np.ndarray, u0: float, h0: float, u1: float,
                     h1: float, apex: float) -> np.ndarray:
    """Ballistic height curve through two points with a given apex height.

    The curve is the downward parabola ``apex - k (u - u_apex)^2`` passing
    through ``(u0, h0)`` and ``(u1, h1)``; it is evaluated (and extrapolated)
    for every ``u``.

    Args:
        u (np.ndarray): (T,) phases.
        u0 (float): Take-off phase.
        h0 (float): Height at take-off.
        u1 (float): Landing phase (> u0).
        h1 (float): Height at landing.
        apex (float): Maximum height, above both ``h0`` and ``h1``.

    Returns:
        np.ndarray: (T,) heights.
    """
    if not (u1 > u0 and apex > max(h0, h1)):
        raise ValueError('need u1 > u0 and apex above both end heights')
    r = np.sqrt((apex - h1) / (apex - h0))
    u_apex = (u1 + r * u0) / (1.0 + r)
    k = (apex - h0) / (u_apex - u0) ** 2
    return apex - k * (u - u_apex) ** 2
