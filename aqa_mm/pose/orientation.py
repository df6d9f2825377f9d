"""Quarter-turn rotations of an image crop, and mapping points back.

Pose estimators are trained mostly on upright people; an athlete inverted
in a somersault or a handstand is often missed. The orientation search of
:class:`aqa_mm.pose.PoseSearch` therefore also shows the estimator the crop
turned by 90, 180 and 270 degrees, and maps the keypoints it finds back to
the unrotated frame with :func:`unrotate_points`; :func:`estimate_turned`
runs any ``estimator(images, boxes)`` on turned crops that way, and
:func:`torso_turn` says how far a found pose leans.

Angles are **clockwise** turns of the crop, in degrees (0, 90, 180, 270):
an athlete standing on his hands is upright in the crop turned by 180.
Coordinates are continuous pixel coordinates (the image spans ``[0, W]``
by ``[0, H]``), as returned by the estimators.
"""
from typing import Callable, Optional, Sequence, Tuple

import cv2
import numpy as np

ANGLES = (0, 90, 180, 270)
# images, (N, 4) boxes -> keypoints (N, V, 2), scores (N, V)
Estimator = Callable[[Sequence[np.ndarray], np.ndarray],
                     Tuple[np.ndarray, np.ndarray]]
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


def region_crop(region: np.ndarray, img_shape: Tuple[int, int]
                ) -> Optional[np.ndarray]:
    """Integer crop ``x1, y1, x2, y2`` of a region, or None if under 2 px."""
    h, w = img_shape
    x1, y1 = np.floor(np.maximum(region[:2], 0)).astype(np.int64)
    x2, y2 = np.ceil(np.minimum(region[2:], (w, h))).astype(np.int64)
    if x2 - x1 < 2 or y2 - y1 < 2:
        return None
    return np.array([x1, y1, x2, y2], np.int64)


def estimate_turned(estimator: Estimator, frames: Sequence[np.ndarray],
                    crops: Sequence[np.ndarray], angles: Sequence[int],
                    track: bool = False) -> Tuple[np.ndarray, np.ndarray]:
    """Run an estimator on crops of frames, each turned by its angle.

    Args:
        estimator (callable): ``estimator(images, boxes)``.
        frames (Sequence[np.ndarray]): N images (H, W, 3).
        crops (Sequence[np.ndarray]): N integer crops ``xyxy``.
        angles (Sequence[int]): N clockwise turns (0: the crop as a box of
            the frame, no copy).
        track (bool): Estimators with ``streams`` (BlazePose) track each
            turn with a tracking graph of its own (all N angles must then
            be the same); else every call stands alone. Defaults to False.

    Returns:
        tuple[np.ndarray, np.ndarray]: keypoints (N, V, 2) in frame pixels
        and scores (N, V).
    """
    images, boxes = [], []
    for frame, crop, angle in zip(frames, crops, angles):
        if angle == 0:
            images.append(frame)
            boxes.append(crop.astype(np.float32))
            continue
        x1, y1, x2, y2 = crop
        turned = rotate_image(frame[y1:y2, x1:x2], angle)
        images.append(np.ascontiguousarray(turned))
        boxes.append(np.array([0, 0, turned.shape[1], turned.shape[0]],
                              np.float32))
    if track and getattr(estimator, 'streams', False):
        kpts, scores = estimator(images, np.stack(boxes), stream=angles[0])
    else:
        kpts, scores = estimator(images, np.stack(boxes))
    kpts = np.array(kpts, np.float32)
    for i, (crop, angle) in enumerate(zip(crops, angles)):
        if angle != 0:
            x1, y1, x2, y2 = crop
            kpts[i] = unrotate_points(kpts[i], angle, (y2 - y1, x2 - x1)) \
                + np.array([x1, y1], np.float32)
    return kpts, np.asarray(scores, np.float32)
