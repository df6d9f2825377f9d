"""What the athlete looks like: a colour histogram sampled along his limbs.

Position and size cannot tell the athlete from a railing or a bystander
after a long absence (a diver lost through the somersaults, then found
again at the entry, far from where his take-off predicted). His colours
can: skin and swimsuit against metal, water or a spectator's clothes.

:func:`limb_histogram` samples the frame along the skeleton's confident
links (the pixels of the body, not of the background around it) into a
hue-saturation histogram; :func:`similarity` is the Bhattacharyya
coefficient of two histograms (1 identical, 0 disjoint).
"""
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np

# COCO-17 limbs and torso sides sampled for the athlete's colours
LIMBS: Tuple[Tuple[int, int], ...] = (
    (5, 7), (7, 9), (6, 8), (8, 10), (11, 13), (13, 15), (12, 14),
    (14, 16), (5, 11), (6, 12), (5, 6), (11, 12), (5, 12), (6, 11))
BINS = (12, 6)  # hue, saturation


def limb_histogram(frame: np.ndarray, keypoints: np.ndarray,
                   scores: np.ndarray, kpt_thr: float = 0.3,
                   samples: int = 12,
                   limbs: Sequence[Tuple[int, int]] = LIMBS
                   ) -> Optional[np.ndarray]:
    """Hue-saturation histogram of the pixels along a pose's limbs.

    Args:
        frame (np.ndarray): (H, W, 3) BGR uint8 image.
        keypoints (np.ndarray): (V, 2) pixel coordinates (COCO-17).
        scores (np.ndarray): (V,) joint scores.
        kpt_thr (float): Both ends of a limb need this score.
            Defaults to 0.3.
        samples (int): Points per limb. Defaults to 12.
        limbs (Sequence[tuple[int, int]]): Joint pairs sampled.
            Defaults to :data:`LIMBS`.

    Returns:
        np.ndarray | None: (12 * 6,) float32 histogram summing to 1; None
        with fewer than two confident limbs inside the frame.
    """
    h, w = frame.shape[:2]
    u = np.linspace(0.0, 1.0, samples)[:, None]
    pts = [keypoints[a] + u * (keypoints[b] - keypoints[a])
           for a, b in limbs if min(scores[a], scores[b]) >= kpt_thr]
    if len(pts) < 2:
        return None
    pts = np.concatenate(pts).round().astype(np.int64)  # (P, 2)
    inside = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & \
        (pts[:, 1] < h)
    if inside.sum() < 2 * samples:
        return None
    bgr = frame[pts[inside, 1], pts[inside, 0]][None]  # (1, P, 3)
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)[0].astype(np.int64)
    hue = hsv[:, 0] * BINS[0] // 180
    sat = hsv[:, 1] * BINS[1] // 256
    hist = np.bincount(hue * BINS[1] + sat, minlength=BINS[0] * BINS[1])
    return (hist / hist.sum()).astype(np.float32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Bhattacharyya coefficient of two normalised histograms, in [0, 1]."""
    return float(np.sqrt(np.asarray(a, np.float64) *
                         np.asarray(b, np.float64)).sum())
