"""RandomViewTransform3D: random rotation and scaling of 3D skeletons.

mmaction2 1.1.0 has no 3D skeleton rotation/scaling augmentation (RandomRot
and RandomScale arrived in later releases). This is the view augmentation of
the official CTR-GCN NW-UCLA feeder (Uason-Chen/CTR-GCN,
``feeders/feeder_ucla.py``): centre the clip on one joint of its first frame,
rotate about the x and then the y axis by random angles and scale uniformly.
"""
import math
from typing import Dict, Sequence, Tuple

import numpy as np
from mmcv.transforms import BaseTransform

from aqa_mm.registry import TRANSFORMS


def view_matrix(angle_x: float, angle_y: float, scale: float) -> np.ndarray:
    """Right-multiplied (3, 3) matrix of a rotation about x, then y, + scale.

    Row vectors ``p`` (x, y, z) map to ``p @ M`` with
    ``M = R_y · R_x · S`` (the CTR-GCN feeder's convention).

    Args:
        angle_x (float): Rotation about the x axis in degrees.
        angle_y (float): Rotation about the y axis in degrees.
        scale (float): Uniform scale factor.

    Returns:
        np.ndarray: float64 of shape (3, 3).
    """
    ax, ay = math.radians(angle_x), math.radians(angle_y)
    rot_x = np.array([[1, 0, 0], [0, math.cos(ax), math.sin(ax)],
                      [0, -math.sin(ax), math.cos(ax)]])
    rot_y = np.array([[math.cos(ay), 0, -math.sin(ay)], [0, 1, 0],
                      [math.sin(ay), 0, math.cos(ay)]])
    return rot_y @ rot_x @ (np.eye(3) * scale)


@TRANSFORMS.register_module()
class RandomViewTransform3D(BaseTransform):
    """Centre, randomly rotate and scale a 3D skeleton clip.

    Subtracts ``keypoint[:, center_frame, center_joint]`` of each person,
    draws one angle about x and one about y uniformly from
    ``[-max_angle, max_angle]`` degrees and one scale from ``scale_range``
    (the same for every person and frame of the clip) and applies
    :func:`view_matrix`. ``test_mode=True`` only centres (angle 0, scale 1),
    as the reference feeder does at test time.

    Required keys: ``keypoint`` (M, T, V, 3). Modified keys: ``keypoint``
    (float32, same shape).

    Args:
        max_angle (float | tuple[float, float]): Largest |angle| in degrees
            about x and about y. Defaults to 60 (CTR-GCN NW-UCLA).
        scale_range (tuple[float, float]): Uniform scale range. Defaults to
            (0.5, 1.5).
        center_joint (int | None): Joint to centre on; ``None`` keeps the
            origin. Defaults to 1 (Kinect v1 spine, as the reference).
        center_frame (int): Frame whose ``center_joint`` is the origin.
            Defaults to 0.
        test_mode (bool): Centre only. Defaults to False.
    """

    def __init__(self,
                 max_angle=60.0,
                 scale_range: Tuple[float, float] = (0.5, 1.5),
                 center_joint=1,
                 center_frame: int = 0,
                 test_mode: bool = False) -> None:
        if not isinstance(max_angle, Sequence):
            max_angle = (max_angle, max_angle)
        if len(max_angle) != 2 or min(max_angle) < 0:
            raise ValueError('RandomViewTransform3D: max_angle must be one '
                             f'or two angles >= 0 (degrees), got {max_angle}')
        if (len(scale_range) != 2 or not 0 < scale_range[0] <= scale_range[1]):
            raise ValueError('RandomViewTransform3D: scale_range must be '
                             f'(low, high) with 0 < low <= high, got '
                             f'{scale_range}')
        self.max_angle = tuple(float(a) for a in max_angle)
        self.scale_range = tuple(float(s) for s in scale_range)
        self.center_joint = center_joint
        self.center_frame = center_frame
        self.test_mode = test_mode

    def transform(self, results: Dict) -> Dict:
        """Apply the view transform to ``results['keypoint']``.

        Args:
            results (dict): Needs ``keypoint`` of shape (M, T, V, 3).

        Returns:
            dict: ``results`` with the transformed ``keypoint``.
        """
        keypoint = np.asarray(results['keypoint'], dtype=np.float64)
        if keypoint.ndim != 4 or keypoint.shape[-1] != 3:
            raise ValueError('RandomViewTransform3D expects keypoint of shape '
                             f'(M, T, V, 3), got {keypoint.shape} for '
                             f'{results.get("frame_dir", "this sample")}')
        if self.center_joint is not None:
            persons, frames, joints, _ = keypoint.shape
            if not (0 <= self.center_frame < frames
                    and 0 <= self.center_joint < joints):
                raise ValueError(
                    f'RandomViewTransform3D: center_frame '
                    f'{self.center_frame} / center_joint {self.center_joint}'
                    f' out of range for keypoint of shape {keypoint.shape} '
                    f'(M, T, V, 3) in '
                    f'{results.get("frame_dir", "this sample")}')
            origin = keypoint[:, self.center_frame, self.center_joint]  # [M,3]
            keypoint = keypoint - origin[:, None, None]
        if self.test_mode:
            matrix = view_matrix(0.0, 0.0, 1.0)
        else:
            matrix = view_matrix(
                np.random.uniform(-self.max_angle[0], self.max_angle[0]),
                np.random.uniform(-self.max_angle[1], self.max_angle[1]),
                np.random.uniform(*self.scale_range))
        results['keypoint'] = (keypoint @ matrix).astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(max_angle={self.max_angle}, '
                f'scale_range={self.scale_range}, '
                f'center_joint={self.center_joint}, '
                f'center_frame={self.center_frame}, '
                f'test_mode={self.test_mode})')
