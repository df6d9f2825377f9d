"""Action kinds of the SYNTHETIC dataset as pose trajectories over phase.

Every action is a function ``(u, level) -> pose`` mapping phases ``u`` (T,)
in [0, 1] to (T, C) pose channels (see :mod:`.kinematics`). ``level`` is
the index of the difficulty level (extra somersaults for the dive and the
vault; ignored by the other actions). Angles are in degrees.
"""
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Sequence, Tuple, Union

import numpy as np

from .interp import keyframes, parabola_through
from .kinematics import CH, NUM_CHANNELS

ActionFn = Callable[[np.ndarray, int], np.ndarray]
Track = Union[Sequence[float], Tuple[Sequence[float], Sequence[float]]]

_NEUTRAL = dict(contact=1.0, sh_l=8.0, el_l=12.0, sh_r=8.0, el_r=12.0,
                kn_l=3.0, kn_r=3.0)
_PAIRS = ('sh', 'el', 'hip', 'kn')


def neutral_pose(**overrides: float) -> np.ndarray:
    """Standing pose vector.

    Args:
        **overrides (float): Channel values replacing the defaults.

    Returns:
        np.ndarray: (C,) pose channels.
    """
    pose = np.zeros(NUM_CHANNELS)
    for name, value in {**_NEUTRAL, **overrides}.items():
        pose[CH[name]] = value
    return pose


def _table(u: np.ndarray, neutral: np.ndarray, phases: Sequence[float],
           **tracks: Track) -> np.ndarray:
    """Build a (T, C) pose from keyframe tracks.

    A track is a value list on ``phases`` or a ``(phases, values)`` pair.
    Names ``sh``/``el``/``hip``/``kn`` set both sides; ``contact`` is
    interpolated linearly, everything else with the monotone cubic.
    """
    out = np.tile(neutral, (u.shape[0], 1))
    for name, track in tracks.items():
        if isinstance(track[0], (tuple, list)):
            ph, vals = track
        else:
            ph, vals = phases, track
        mode = 'linear' if name in ('contact', 'root_x') else 'cubic'
        curve = keyframes(u, ph, vals, mode)
        for ch in ((name + '_l', name + '_r') if name in _PAIRS else (name,)):
            out[:, CH[ch]] = curve
    return out


def jump(u: np.ndarray, level: int = 0) -> np.ndarray:
    """Counter-movement vertical jump with arm swing (side view).

    Args:
        u (np.ndarray): (T,) phases in [0, 1].
        level (int): Difficulty level index (unused).

    Returns:
        np.ndarray: (T, C) pose channels.
    """
    ph = (0, .18, .32, .44, .55, .66, .78, .9, 1)
    pose = _table(
        u, neutral_pose(), ph,
        torso=(0, 30, 40, 5, 0, 5, 30, 8, 0),
        head=(0, -10, -15, 0, 0, 0, -10, 0, 0),
        sh=(8, -40, -55, 150, 165, 120, -15, 5, 8),
        el=(12, 15, 15, 10, 10, 10, 20, 12, 12),
        hip=(0, 55, 80, 0, -5, 15, 75, 15, 0),
        kn=(3, 65, 100, 0, 5, 20, 95, 20, 3),
        contact=((0, .44, .46, .64, .66, 1), (1, 1, 0, 0, 1, 1)))
    pose[:, CH['lift']] = parabola_through(u, .45, 0.0, .65, 0.0, 0.38)
    return pose


def squat(u: np.ndarray, level: int = 0) -> np.ndarray:
    """Two bodyweight squats with arms raised forwards (side view).

    Args:
        u (np.ndarray): (T,) phases in [0, 1].
        level (int): Difficulty level index (unused).

    Returns:
        np.ndarray: (T, C) pose channels.
    """
    ph = (0, .06, .24, .30, .46, .54, .72, .78, .94, 1)
    down = (0, 0, 1, 1, 0, 0, 1, 1, 0, 0)

    def scale(lo: float, hi: float) -> list:
        return [lo + (hi - lo) * d for d in down]

    return _table(u, neutral_pose(), ph, torso=scale(0, 45),
                  head=scale(0, -25), hip=scale(0, 105), kn=scale(3, 125),
                  sh=scale(8, 90), el=scale(12, 8))


def pike_dive(u: np.ndarray, level: int = 0) -> np.ndarray:
    """Forward somersaults in pike from a platform (side view).

    The entry is always head first and vertical.

    Args:
        u (np.ndarray): (T,) phases in [0, 1].
        level (int): Difficulty level index: 0/1/2 give 1.5/2.5/3.5
            somersaults.

    Returns:
        np.ndarray: (T, C) pose channels.
    """
    total = 360.0 * (1.5 + level)
    ph = (0, .1, .18, .26, .4, .8, .9, 1)
    pose = _table(
        u, neutral_pose(), ph,
        torso=(0, 20, 10, 20, 30, 30, 0, 0),
        head=(0, -10, 0, -20, -30, -30, 0, 0),
        sh=(170, 120, 175, 125, 130, 130, 180, 180),
        el=(5, 5, 5, 5, 5, 5, 0, 0),
        hip=(0, 35, 0, 100, 140, 140, 0, 0),
        kn=(3, 45, 0, 0, 0, 0, 0, 0),
        rot=((0, .2, .88, 1), (0, 0, total, total)),
        root_x=((0, .18, 1), (0, 0, 0.55)),
        contact=((0, .18, .2, 1), (1, 1, 0, 0)))
    pose[:, CH['lift']] = parabola_through(u, .19, 0.0, .61, 0.0, 0.8)
    return pose


def vault(u: np.ndarray, level: int = 0) -> np.ndarray:
    """Run-up, handspring over a table and extra saltos (side view).

    Args:
        u (np.ndarray): (T,) phases in [0, 1].
        level (int): Difficulty level index: 0/1/2 extra tucked saltos.

    Returns:
        np.ndarray: (T, C) pose channels.
    """
    total = 360.0 * (1 + level)
    tuck = level > 0
    ph = (0, .26, .32, .42, .47, .55, .7, .84, .92, 1)
    pose = _table(
        u, neutral_pose(), ph,
        torso=(15, 10, 5, 0, 0, 0, 20, 0, 25, 0),
        head=(0, 0, -10, -20, -20, 0, -20, 0, -10, 0),
        sh=(0, 60, 170, 180, 180, 170, 90, 150, 60, 170),
        el=(80, 20, 5, 0, 0, 5, 30, 5, 20, 5),
        hip=(0, 20, 0, 0, 0, 20, 120 if tuck else 0, 0, 70, 0),
        kn=(30, 20, 5, 0, 0, 10, 130 if tuck else 5, 5, 90, 3),
        rot=((0, .31, .44, .48, .84, 1), (0, 0, 170, 195, total, total)),
        root_x=((0, .26, .32, .42, .48, .84, 1),
                (-2.6, -0.7, -0.45, -0.05, 0.1, 1.1, 1.15)),
        clear=((0, .35, .40, .5, .55, 1), (0, 0, .7, .7, 0, 0)),
        contact=((0, .30, .32, .41, .43, .48, .50, .83, .85, 1),
                 (1, 1, 0, 0, 1, 1, 0, 0, 1, 1)))
    pre = keyframes(u, (.32, .42), (0.0, 0.85))
    post = parabola_through(u, .48, 0.85, .84, 0.0, 1.15)
    pose[:, CH['lift']] = np.where(u < .45, pre, post)
    # running strides, faded out before the hurdle
    stride = np.sin(2 * np.pi * 11.0 * u)
    run = 1.0 - keyframes(u, (.2, .27), (0.0, 1.0), 'ease')
    for ch, amp, sign in (('hip', 40, 1), ('kn', -35, 1), ('sh', -35, 1)):
        for side, s in (('_l', sign), ('_r', -sign)):
            pose[:, CH[ch + side]] += run * amp * s * stride
    return pose


def cartwheel(u: np.ndarray, level: int = 0) -> np.ndarray:
    """Cartwheel travelling to the right (frontal view).

    In frontal view the performer's left limbs open towards image right
    with positive angles and the right limbs with negative ones.

    Args:
        u (np.ndarray): (T,) phases in [0, 1].
        level (int): Difficulty level index (unused).

    Returns:
        np.ndarray: (T, C) pose channels.
    """
    ph = (0, .12, .3, .5, .7, .88, 1)
    neutral = neutral_pose(sh_r=-8.0, el_r=-12.0, kn_r=-3.0)
    return _table(
        u, neutral, ph,
        torso=(0, 15, 0, 0, 0, -10, 0),
        sh_l=(8, 165, 160, 160, 160, 165, 165),
        sh_r=(-8, -165, -160, -160, -160, -165, -165),
        el_l=(12, 5, 5, 5, 5, 5, 5), el_r=(-12, -5, -5, -5, -5, -5, -5),
        hip_l=(0, 25, 45, 45, 40, 10, 0), hip_r=(0, -5, -45, -45, -45, -20, 0),
        kn_l=(3, 30, 0, 0, 0, 10, 3), kn_r=(-3, 0, 0, 0, 0, -10, -3),
        rot=((0, .15, .3, .5, .7, .85, 1), (0, 0, 45, 180, 315, 360, 360)),
        root_x=((0, .15, .85, 1), (0, 0, 1.1, 1.1)))


@dataclass(frozen=True)
class ActionSpec:
    """How one action kind moves and is filmed.

    Attributes:
        name (str): Class name.
        fn (ActionFn): ``(u (T,), level) -> (T, C)`` pose trajectory.
        neutral (np.ndarray): (C,) rest pose; amplitude errors shrink the
            motion towards it.
        lateral (float): Sine of the viewing angle (0 side, 1 frontal).
        camera (str): ``'static'`` or ``'track'`` (pans with the pelvis).
        fill (float): Standing height as a fraction of the frame height.
        underrotate (bool): Whether amplitude errors also cut rotation.
        prop (str | None): Scenery: ``'floor'``, ``'platform'``, ``'table'``.
    """

    name: str
    fn: ActionFn
    neutral: np.ndarray
    lateral: float
    camera: str
    fill: float
    underrotate: bool = False
    prop: Optional[str] = 'floor'


ACTIONS: Dict[str, ActionSpec] = {
    'jump': ActionSpec('jump', jump, neutral_pose(), 0.3, 'static', 0.55),
    'squat': ActionSpec('squat', squat, neutral_pose(), 0.3, 'static', 0.72),
    'pike_dive': ActionSpec('pike_dive', pike_dive, neutral_pose(), 0.3,
                            'track', 0.5, True, 'platform'),
    'vault': ActionSpec('vault', vault, neutral_pose(), 0.3, 'track', 0.42,
                        True, 'table'),
    'cartwheel': ActionSpec('cartwheel', cartwheel,
                            neutral_pose(sh_r=-8.0, el_r=-12.0, kn_r=-3.0),
                            1.0, 'track', 0.45),
}
