"""Articulated 2D COCO-17 skeleton for the SYNTHETIC dataset generator.

The body is a planar kinematic tree rooted at the pelvis centre. A pose is a
vector of ``len(CHANNELS)`` numbers per frame (root placement plus joint
angles in degrees); :func:`skeleton_points` turns it into joint positions and
:func:`place_on_ground` resolves the vertical root position from ground
contact or flight height. World units are "body heights" (a standing person
is about 1.0 tall), the y axis points up.

Angle conventions (all in the image plane, ``dir(a) = (sin a, cos a)``, so
``a = 0`` points up and positive angles turn towards +x, the performer's
forward direction in side view):

* ``rot`` + ``torso``: absolute direction pelvis -> neck.
* ``sh_*``: shoulder flexion (0 = arm hanging, 180 = arm overhead).
* ``el_*``: elbow flexion (forearm folds forwards).
* ``hip_*``: hip flexion (0 = leg straight down, 90 = leg forwards).
* ``kn_*``: knee flexion (shank folds backwards).
"""
from dataclasses import dataclass, fields
from typing import Dict

import numpy as np

KEYPOINT_NAMES = ('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
                  'left_shoulder', 'right_shoulder', 'left_elbow',
                  'right_elbow', 'left_wrist', 'right_wrist', 'left_hip',
                  'right_hip', 'left_knee', 'right_knee', 'left_ankle',
                  'right_ankle')
NUM_KEYPOINTS = 17
#: Extra points appended after the 17 COCO keypoints (used for rendering).
HEAD_CENTER, NECK = 17, 18
NUM_POINTS = 19

#: Rigid limb segments (COCO indices); their lengths never change.
LIMB_SEGMENTS = ((5, 7), (7, 9), (6, 8), (8, 10), (11, 13), (13, 15),
                 (12, 14), (14, 16))
#: Keypoints on the performer's left side (the far side in side view).
LEFT_KEYPOINTS = (1, 3, 5, 7, 9, 11, 13, 15)

CHANNELS = ('root_x', 'clear', 'lift', 'contact', 'rot', 'torso', 'head',
            'sh_l', 'el_l', 'sh_r', 'el_r', 'hip_l', 'kn_l', 'hip_r', 'kn_r')
CH: Dict[str, int] = {name: i for i, name in enumerate(CHANNELS)}
NUM_CHANNELS = len(CHANNELS)
#: Channels holding joint angles in degrees (everything except placement).
ANGLE_CHANNELS = tuple(CH[n] for n in CHANNELS[CH['torso']:])
LEFT_LIMB_CHANNELS = tuple(CH[n] for n in ('sh_l', 'el_l', 'hip_l', 'kn_l'))

# Face landmarks in head-local (forward, left, up) units of the head radius.
_FACE = np.array([[1.0, 0.0, -0.1],     # nose
                  [0.75, 0.35, 0.25],   # left eye
                  [0.75, -0.35, 0.25],  # right eye
                  [0.0, 0.95, 0.05],    # left ear
                  [0.0, -0.95, 0.05]])  # right ear


@dataclass(frozen=True)
class BodyProportions:
    """Segment lengths of one performer, in body heights.

    Attributes:
        torso (float): Pelvis centre to neck.
        neck (float): Neck to head centre.
        head_radius (float): Radius of the head circle.
        upper_arm (float): Shoulder to elbow.
        forearm (float): Elbow to wrist.
        thigh (float): Hip to knee.
        shank (float): Knee to ankle.
        shoulder_half_width (float): Neck to each shoulder.
        hip_half_width (float): Pelvis centre to each hip.
    """

    torso: float = 0.30
    neck: float = 0.11
    head_radius: float = 0.065
    upper_arm: float = 0.17
    forearm: float = 0.15
    thigh: float = 0.245
    shank: float = 0.25
    shoulder_half_width: float = 0.115
    hip_half_width: float = 0.08

    @property
    def leg_length(self) -> float:
        """float: Hip-to-ankle length, the pelvis height when standing."""
        return self.thigh + self.shank


def sample_proportions(rng: np.random.Generator,
                       spread: float = 0.05) -> BodyProportions:
    """Draw individual body proportions around the default ones.

    Args:
        rng (np.random.Generator): Random generator of this sample.
        spread (float): Relative standard deviation of every segment length
            (clipped to two standard deviations). Defaults to 0.05.

    Returns:
        BodyProportions: The performer's segment lengths.
    """
    base = BodyProportions()
    names = [f.name for f in fields(BodyProportions)]
    factors = 1.0 + np.clip(rng.normal(0.0, spread, len(names)),
                            -2 * spread, 2 * spread)
    return BodyProportions(**{n: float(getattr(base, n) * k)
                              for n, k in zip(names, factors)})


def _dir(angle: np.ndarray) -> np.ndarray:
    """Unit vectors ``(sin a, cos a)`` of shape ``angle.shape + (2,)``."""
    return np.stack([np.sin(angle), np.cos(angle)], axis=-1)


def skeleton_points(pose: np.ndarray, body: BodyProportions,
                    lateral: float) -> np.ndarray:
    """Forward kinematics with the pelvis centre at the origin.

    Args:
        pose (np.ndarray): (T, C) pose channels, see :data:`CHANNELS`.
        body (BodyProportions): Segment lengths.
        lateral (float): sine of the viewing angle: 0 is a pure side view,
            1 a frontal view; scales how far left and right joints separate.

    Returns:
        np.ndarray: (T, 19, 2) float64 points: the 17 COCO keypoints, then
        head centre and neck. Relative to the pelvis centre, y up.
    """
    rad = np.deg2rad(pose)
    theta = rad[:, CH['rot']] + rad[:, CH['torso']]
    up, side = _dir(theta), _dir(theta + np.pi / 2)
    out = np.zeros((pose.shape[0], NUM_POINTS, 2))
    neck = body.torso * up
    head_angle = theta + rad[:, CH['head']]
    head = neck + body.neck * _dir(head_angle)
    head_up, head_side = _dir(head_angle), _dir(head_angle + np.pi / 2)
    fwd_k = np.sqrt(1.0 - lateral ** 2)
    # face point = head + r * ((f * cos + l * sin) * side + u * up)
    along = _FACE[:, 0] * fwd_k + _FACE[:, 1] * lateral
    out[:, :5] = head[:, None] + body.head_radius * (
        along[None, :, None] * head_side[:, None]
        + _FACE[None, :, 2, None] * head_up[:, None])
    out[:, HEAD_CENTER], out[:, NECK] = head, neck
    for k, side_sign in ((0, 1.0), (1, -1.0)):  # 0: left, 1: right
        suffix = 'lr'[k]
        shoulder = neck + side_sign * lateral * body.shoulder_half_width * side
        a_upper = theta + np.pi - rad[:, CH['sh_' + suffix]]
        elbow = shoulder + body.upper_arm * _dir(a_upper)
        a_fore = a_upper - rad[:, CH['el_' + suffix]]
        wrist = elbow + body.forearm * _dir(a_fore)
        hip = side_sign * lateral * body.hip_half_width * side
        a_thigh = theta + np.pi - rad[:, CH['hip_' + suffix]]
        knee = hip + body.thigh * _dir(a_thigh)
        ankle = knee + body.shank * _dir(a_thigh + rad[:, CH['kn_' + suffix]])
        for idx, pt in zip((5, 7, 9, 11, 13, 15),
                           (shoulder, elbow, wrist, hip, knee, ankle)):
            out[:, idx + k] = pt
    return out


def place_on_ground(points: np.ndarray, pose: np.ndarray,
                    body: BodyProportions) -> np.ndarray:
    """Move pelvis-relative points to their world position.

    The pelvis height blends two sources with the ``contact`` channel:
    supported (the lowest body point sits ``clear`` above the ground) and
    airborne (pelvis at standing height plus ``lift``).

    Args:
        points (np.ndarray): (T, V, 2) output of :func:`skeleton_points`.
        pose (np.ndarray): (T, C) pose channels.
        body (BodyProportions): Segment lengths.

    Returns:
        np.ndarray: (T, V, 2) world points, y up, ground at y = 0.
    """
    lowest = np.minimum(points[:, :NUM_KEYPOINTS, 1].min(axis=1),
                        points[:, HEAD_CENTER, 1] - body.head_radius)
    supported = pose[:, CH['clear']] - lowest
    airborne = body.leg_length + pose[:, CH['lift']]
    contact = np.clip(pose[:, CH['contact']], 0.0, 1.0)
    root = np.stack([pose[:, CH['root_x']],
                     contact * supported + (1 - contact) * airborne], axis=-1)
    return points + root[:, None, :]


def segment_lengths(points: np.ndarray) -> np.ndarray:
    """Lengths of the rigid limb segments.

    Args:
        points (np.ndarray): (..., V>=17, 2) keypoints.

    Returns:
        np.ndarray: (..., 8) lengths of :data:`LIMB_SEGMENTS`.
    """
    idx = np.asarray(LIMB_SEGMENTS)
    diff = points[..., idx[:, 0], :] - points[..., idx[:, 1], :]
    return np.linalg.norm(diff, axis=-1)
