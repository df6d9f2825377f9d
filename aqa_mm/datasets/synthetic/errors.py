"""Execution errors of known severity for the SYNTHETIC dataset.

Each error has a severity in [0, 1] (0 = flawless) and a visible effect on
the pose trajectory:

* ``jitter``: wobbly, shaky limbs (band-limited noise on joint angles).
* ``timing``: uneven tempo (a monotone warp of the phase: rushed then
  hesitant, or the reverse).
* ``amplitude``: movements too small (shallow crouch, low flight, up to
  50 degrees of under-rotation for somersaulting actions).
* ``balance``: loss of balance near the end (torso lean drift, sideways
  drift, flailing arms, a stumbling step).
* ``asymmetry``: the left limbs lag behind and move less than the right.
* ``form``: bent knees and elbows and a dropped head in the main phase.
"""
from typing import Callable, Dict, Mapping

import numpy as np

from .interp import smoothstep
from .kinematics import ANGLE_CHANNELS, CH, LEFT_LIMB_CHANNELS

ERROR_NAMES = ('jitter', 'timing', 'amplitude', 'balance', 'asymmetry', 'form')

# Angle channels that amplitude errors shrink towards the rest pose.
_SHAPE_CHANNELS = ANGLE_CHANNELS


def sample_severities(rng: np.random.Generator) -> Dict[str, float]:
    """Draw error severities for one performance.

    A latent skill in [0, 1] sets the overall level so that the set holds
    near-perfect as well as poor performances; each error is then drawn
    around it and is absent with probability 0.2.

    Args:
        rng (np.random.Generator): Random generator of this sample.

    Returns:
        Dict[str, float]: Severity in [0, 1] per name in :data:`ERROR_NAMES`.
    """
    skill = rng.uniform()
    raw = (1.0 - skill) * rng.uniform(0.3, 1.7, len(ERROR_NAMES))
    present = rng.uniform(size=len(ERROR_NAMES)) >= 0.2
    sev = np.clip(raw * present, 0.0, 1.0)
    return {name: float(s) for name, s in zip(ERROR_NAMES, sev)}


def check_severities(severities: Mapping[str, float]) -> Dict[str, float]:
    """Validate a severity mapping.

    Args:
        severities (Mapping[str, float]): Must hold exactly the names in
            :data:`ERROR_NAMES`, each in [0, 1].

    Returns:
        Dict[str, float]: A plain-float copy in :data:`ERROR_NAMES` order.
    """
    if set(severities) != set(ERROR_NAMES):
        raise ValueError(f'severities must have keys {ERROR_NAMES}, '
                         f'got {sorted(severities)}')
    out = {n: float(severities[n]) for n in ERROR_NAMES}
    bad = [n for n, v in out.items() if not 0.0 <= v <= 1.0]
    if bad:
        raise ValueError(f'severities out of [0, 1]: {bad}')
    return out


def warp_phase(u: np.ndarray, severity: float, direction: float) -> np.ndarray:
    """Uneven tempo: ``u - c sin(2 pi u) / (2 pi)`` with ``c = 0.85 s d``.

    The warp keeps 0 and 1 fixed and is monotone for ``|c| <= 1``.

    Args:
        u (np.ndarray): (T,) phases in [0, 1].
        severity (float): Timing severity in [0, 1].
        direction (float): +1 (slow start, rushed end) or -1 (the reverse).

    Returns:
        np.ndarray: (T,) warped phases in [0, 1].
    """
    c = 0.85 * severity * direction
    return np.clip(u - c * np.sin(2 * np.pi * u) / (2 * np.pi), 0.0, 1.0)


def _smooth_noise(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """Unit-ish Gaussian noise smoothed along the first axis by [1, 2, 1]."""
    n = rng.normal(size=(shape[0] + 2,) + shape[1:])
    return (n[:-2] + 2 * n[1:-1] + n[2:]) / np.sqrt(6.0)


def perform(action: Callable[[np.ndarray], np.ndarray], u: np.ndarray,
            severities: Mapping[str, float], rng: np.random.Generator,
            neutral: np.ndarray, underrotate: bool = False,
            style_amplitude: float = 1.0) -> np.ndarray:
    """Evaluate an action with execution errors applied.

    The generator is always consumed the same way, whatever the severities,
    so a sample re-generated with other severities keeps everything else.

    Args:
        action (Callable): ``u (T,) -> (T, C)`` pose of the flawless action.
        u (np.ndarray): (T,) phase of every frame in [0, 1].
        severities (Mapping[str, float]): Severity per error name.
        rng (np.random.Generator): Random generator of this sample.
        neutral (np.ndarray): (C,) rest pose of the action.
        underrotate (bool): Amplitude errors also reduce rotation.
        style_amplitude (float): Personal (error-free) amplitude factor.

    Returns:
        np.ndarray: (T, C) pose channels.
    """
    s = check_severities(severities)
    t_dir, b_dir = rng.choice([-1.0, 1.0], size=2)
    jitter_noise = _smooth_noise(rng, (u.shape[0], len(ANGLE_CHANNELS) + 1))
    wobble_phase = rng.uniform(0, 2 * np.pi)

    uw = warp_phase(u, s['timing'], t_dir)
    a = s['asymmetry']
    both = action(np.concatenate([uw, np.clip(uw - 0.07 * a, 0.0, 1.0)]))
    pose, lagged = both[:u.shape[0]], both[u.shape[0]:]
    # asymmetry: the left side lags and moves less
    left = list(LEFT_LIMB_CHANNELS)
    pose[:, left] = neutral[left] + (lagged[:, left] - neutral[left]) * (
        1.0 - 0.35 * a)
    pose[:, CH['kn_l']] += 15.0 * a
    # amplitude: shrink the shape of the movement and the flight
    f = style_amplitude * (1.0 - 0.45 * s['amplitude'])
    shape = list(_SHAPE_CHANNELS)
    pose[:, shape] = neutral[shape] + (pose[:, shape] - neutral[shape]) * f
    lift = pose[:, CH['lift']]
    pose[:, CH['lift']] = np.where(lift > 0, lift * f, lift)
    if underrotate:  # up to 50 degrees short of the full rotation
        full = max(float(np.abs(pose[:, CH['rot']]).max()), 90.0)
        pose[:, CH['rot']] *= 1.0 - 50.0 * s['amplitude'] / full
    # form: bent knees/elbows, dropped head during the main phase
    bump = smoothstep((uw - 0.15) / 0.15) * (
        1.0 - smoothstep((uw - 0.75) / 0.15))
    fo = s['form'] * bump
    for ch in ('kn_l', 'kn_r', 'el_l', 'el_r'):
        sign = -1.0 if neutral[CH[ch]] < 0 else 1.0
        pose[:, CH[ch]] += sign * 35.0 * fo
    pose[:, CH['head']] -= 20.0 * fo
    # balance: drift, lean, flailing arms and a stumbling step at the end
    b = s['balance'] * smoothstep((u - 0.68) / 0.3)
    wob = np.sin(2 * np.pi * 2.5 * u + wobble_phase)
    pose[:, CH['torso']] += b_dir * 28.0 * b + 10.0 * b * wob
    pose[:, CH['root_x']] += b_dir * 0.2 * b
    pose[:, CH['sh_l']] += 60.0 * b * (0.5 + 0.5 * wob)
    pose[:, CH['sh_r']] -= 60.0 * b * (0.5 - 0.5 * wob)
    pose[:, CH['hip_r']] += 30.0 * b
    pose[:, CH['kn_r']] += 35.0 * b
    # jitter: shaky joints and a slightly unsteady body
    j = s['jitter']
    pose[:, list(ANGLE_CHANNELS)] += 14.0 * j * jitter_noise[:, :-1]
    pose[:, CH['root_x']] += 0.015 * j * jitter_noise[:, -1]
    return pose
