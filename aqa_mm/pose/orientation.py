"""Quarter-turn rotations of an image crop, and mapping points back.

Pose estimators are trained mostly on upright people; an athlete inverted
in a somersault or a handstand is often missed. The orientation search of
:class:`aqa_mm.pose.PoseSearch` therefore also shows the estimator the crop
turned by 90, 180 and 270 degrees, and maps the keypoints it finds back to
the unrotated frame with :func:`unrotate_points`.

Angles are **clockwise** turns of the crop, in degrees (0, 90, 180, 270):
an athlete standing on his hands is upright in the crop turned by 180.
Coordinates are continuous pixel coordinates (the image spans ``[0, W]``
by ``[0, H]``), as returned by the estimators.
"""
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np

ANGLES = (0, 90, 180, 270)
_CV2_CODES = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
              270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def check_angle(angle: int) -> int:
    """``angle`` as an int, refusing anything but a quarter turn.

    Raises:
        ValueError: Not one of :data:`ANGLES` (named).
    """
    if angle not in ANGLES:
        raise ValueError(f'rotation angle must be one of {ANGLES}, got '
                         f'{angle!r}')
    return int(angle)


def rotate_image(image: np.ndarray, angle: int) -> np.ndarray:
    """Turn an image clockwise by a quarter-turn multiple.

    Args:
        image (np.ndarray): (H, W, C) or (H, W) image.
        angle (int): 0, 90, 180 or 270 (clockwise).

    Returns:
        np.ndarray: The turned image, (W, H, ...) for 90 and 270; the input
        itself for 0.
    """
    angle = check_angle(angle)
    if angle == 0:
        return image
    return cv2.rotate(image, _CV2_CODES[angle])


def unrotate_points(points: np.ndarray, angle: int,
                    shape: Tuple[int, int]) -> np.ndarray:
    """Map points found in a turned image back to the unturned image.

    Args:
        points (np.ndarray): (..., 2) ``x, y`` in the turned image.
        angle (int): The clockwise turn :func:`rotate_image` applied.
        shape (tuple[int, int]): (H, W) of the **unturned** image.

    Returns:
        np.ndarray: (..., 2) float32 ``x, y`` in the unturned image.
    """
    angle = check_angle(angle)
    h, w = shape
    pts = np.asarray(points, np.float64)
    xr, yr = pts[..., 0], pts[..., 1]
    if angle == 0:
        x, y = xr, yr
    elif angle == 90:  # (x, y) -> (h - y, x)
        x, y = yr, h - xr
    elif angle == 180:  # (x, y) -> (w - x, h - y)
        x, y = w - xr, h - yr
    else:  # 270: (x, y) -> (y, w - x)
        x, y = w - yr, xr
    return np.stack([x, y], -1).astype(np.float32)


def search_order(last: int, angles: Sequence[int] = ANGLES) -> Tuple[int, ...]:
    """The angles to try, the one that worked last first.

    Args:
        last (int): The angle of the athlete's last pose (0 at the start).
        angles (Sequence[int]): The angles searched. Defaults to all four.

    Returns:
        tuple[int, ...]: ``last`` (if searched), then the others with the
        upright crop before the turned ones, then nearest turns first
        (e.g. ``last=90``: 90, 0, 180, 270).
    """
    rest = sorted((a for a in angles if a != last),
                  key=lambda a: (a != 0, min((a - last) % 360,
                                             (last - a) % 360), a))
    return ((last,) if last in angles else ()) + tuple(rest)


def nearest_quarter(angle: float) -> int:
    """The quarter turn (0, 90, 180, 270) nearest to ``angle`` degrees."""
    return int(round(float(angle) / 90.0)) % 4 * 90


def torso_turn(keypoints: np.ndarray, scores: np.ndarray,
               kpt_thr: float = 0.3) -> Optional[float]:
    """Clockwise turn, in degrees [0, 360), that makes a COCO-17 pose
    upright: its mid-hip to mid-shoulder vector pointing up.

    Args:
        keypoints (np.ndarray): (17, 2) COCO keypoints in pixels.
        scores (np.ndarray): (17,) scores.
        kpt_thr (float): Both shoulders and hips need this score.
            Defaults to 0.3.

    Returns:
        float | None: The turn; None without a confident torso.
    """
    torso = [5, 6, 11, 12]  # shoulders, hips
    if len(scores) < 13 or (np.asarray(scores)[torso] < kpt_thr).any():
        return None
    kpts = np.asarray(keypoints, np.float64)
    v = kpts[[5, 6]].mean(0) - kpts[[11, 12]].mean(0)
    if not np.any(v):
        return None
    lean = np.degrees(np.arctan2(v[0], -v[1]))  # clockwise from up
    return float(-lean % 360.0)
