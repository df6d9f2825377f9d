"""Box helpers of the athlete search: IoU, area, and blank frames. The
athlete rule itself is in :mod:`aqa_mm.pose.athlete_tracker`.
"""
import numpy as np


def box_iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one box with many.

    Args:
        box (np.ndarray): (4,) ``x1, y1, x2, y2``.
        boxes (np.ndarray): (K, 4) ``x1, y1, x2, y2``.

    Returns:
        np.ndarray: (K,) IoU values in [0, 1].
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    x1 = np.maximum(box[0], boxes[:, 0])
    y1 = np.maximum(box[1], boxes[:, 1])
    x2 = np.minimum(box[2], boxes[:, 2])
    y2 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    union = box_area(box[None])[0] + box_area(boxes) - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def box_area(boxes: np.ndarray) -> np.ndarray:
    """Areas of (K, 4) ``xyxy`` boxes, shape (K,)."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    return (np.clip(boxes[:, 2] - boxes[:, 0], 0, None) *
            np.clip(boxes[:, 3] - boxes[:, 1], 0, None))


def is_blank(frame: np.ndarray, min_std: float = 2.0) -> bool:
    """Whether a frame is (nearly) uniform and so cannot show a person.

    Args:
        frame (np.ndarray): (H, W, 3) uint8 image.
        min_std (float): Pixel standard deviation below which the frame is
            blank (checked on a 1/8 subsample). Defaults to 2.0.

    Returns:
        bool: True for a blank frame.
    """
    return float(frame[::8, ::8].std()) < min_std
