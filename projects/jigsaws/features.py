"""29 summary statistics of one JIGSAWS trial: the floor a deep model on the
kinematics has to beat.

Duration (seconds), then for each of the four manipulators (master left,
master right, patient left, patient right), from the recorded kinematics at
30 Hz:

- ``path_length``: sum of the frame-to-frame steps of the tool-tip
  position, ||p[t+1] - p[t]|| (metres);
- ``speed_mean`` / ``speed_std``: mean and std of those steps x 30 (m/s);
- ``accel_mean``: mean of ||p[t+2] - 2 p[t+1] + p[t]|| x 30^2 (m/s^2);
- ``rot_speed_mean``: mean norm of the recorded rotational velocity;
- ``gripper_std``: std of the gripper angle;
- ``gripper_travel``: sum of |g[t+1] - g[t]|, how much the gripper opened
  and closed in total.
"""
from typing import List

import numpy as np

from aqa_mm.datasets.converters.jigsaws_reader import (FPS, GRIPPER,
                                                       MANIPULATORS, POSITION,
                                                       ROTATIONAL_VELOCITY)

PER_MANIPULATOR = ('path_length', 'speed_mean', 'speed_std', 'accel_mean',
                   'rot_speed_mean', 'gripper_std', 'gripper_travel')


def feature_names() -> List[str]:
    """Names of the statistics, in the order of :func:`summary_statistics`.

    Returns:
        list[str]: ``'duration'``, then ``'<manipulator>/<statistic>'``
        (29 names).
    """
    return ['duration'] + [f'{m}/{s}' for m in MANIPULATORS
                           for s in PER_MANIPULATOR]


def summary_statistics(kinematics: np.ndarray, fps: float = FPS
                       ) -> np.ndarray:
    """The 29 statistics of one trial.

    Args:
        kinematics (np.ndarray): (T, 4, 19), T >= 3, channels as
            ``jigsaws_reader.CHANNELS``.
        fps (float): Frame rate. Defaults to 30.

    Returns:
        np.ndarray: (29,) float64, in the order of :func:`feature_names`.

    Raises:
        ValueError: Not (T >= 3, 4, 19).
    """
    kin = np.asarray(kinematics, dtype=np.float64)
    if kin.ndim != 3 or kin.shape[0] < 3 or kin.shape[1:] != (4, 19):
        raise ValueError(f'kinematics has shape {kin.shape}, expected '
                         '(T >= 3, 4, 19)')
    out = [kin.shape[0] / fps]
    for m in range(kin.shape[1]):
        pos = kin[:, m, POSITION]  # [T, 3]
        steps = np.linalg.norm(np.diff(pos, axis=0), axis=1)  # [T-1]
        speed = steps * fps
        accel = np.linalg.norm(np.diff(pos, n=2, axis=0), axis=1) * fps**2
        rot_speed = np.linalg.norm(kin[:, m, ROTATIONAL_VELOCITY], axis=1)
        grip = kin[:, m, GRIPPER]  # [T]
        out += [steps.sum(), speed.mean(), speed.std(), accel.mean(),
                rot_speed.mean(), grip.std(), np.abs(np.diff(grip)).sum()]
    return np.asarray(out)
