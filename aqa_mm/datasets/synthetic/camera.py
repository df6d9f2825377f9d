"""Camera and simulated pose detector of the SYNTHETIC dataset.

:func:`fit_camera` frames a performance (static or panning camera),
:meth:`Camera.project` maps world points to pixels (y down) and
:func:`observe` turns the clean pixel skeleton into detector-like output:
keypoint noise, confidence scores that drop for fast motion and for the far
side of the body, and person boxes.
"""
from dataclasses import dataclass
from typing import Tuple

import numpy as np

from .kinematics import LEFT_KEYPOINTS, NUM_KEYPOINTS


@dataclass(frozen=True)
class Camera:
    """Pinhole-free orthographic camera.

    Attributes:
        center (np.ndarray): (T, 2) world point at the frame centre per frame.
        scale (float): Pixels per body height.
        offset (np.ndarray): (2,) pixel offset of the framing from the centre.
        img_size (int): Square frame side in pixels.
    """

    center: np.ndarray
    scale: float
    offset: np.ndarray
    img_size: int

    def project(self, points: np.ndarray) -> np.ndarray:
        """World (y up) to pixel (y down) coordinates.

        Args:
            points (np.ndarray): (T, V, 2) world points.

        Returns:
            np.ndarray: (T, V, 2) pixel coordinates.
        """
        rel = (points - self.center[:, None, :]) * self.scale
        rel[..., 1] *= -1.0
        return rel + (self.img_size / 2.0 + self.offset)


def _smooth(track: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing along axis 0 with trend-preserving odd padding."""
    if sigma <= 0:
        return track.copy()
    r = int(np.ceil(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k /= k.sum()
    if track.shape[0] > r:  # odd reflection continues linear trends
        pad = np.pad(track, ((r, r), (0, 0)), mode='reflect',
                     reflect_type='odd')
    else:
        pad = np.pad(track, ((r, r), (0, 0)), mode='edge')
    return np.stack([np.convolve(pad[:, i], k, mode='valid')
                     for i in range(track.shape[1])], axis=1)


def fit_camera(world: np.ndarray, mode: str, fill: float, img_size: int,
               rng: np.random.Generator, margin: float = 0.04) -> Camera:
    """Frame a performance so that it stays inside the image.

    Args:
        world (np.ndarray): (T, V, 2) world points (body heights, y up).
        mode (str): ``'static'`` (fixed on the motion's bounding box) or
            ``'track'`` (pans smoothly with the pelvis).
        fill (float): Nominal standing height as a fraction of the frame.
        img_size (int): Frame side in pixels.
        rng (np.random.Generator): Random generator of this sample (draws
            the framing offset and zoom).
        margin (float): Minimum free border as a fraction of the frame.

    Returns:
        Camera: The fitted camera; the scale is reduced when the nominal
        one would let the performer leave the frame.
    """
    t = world.shape[0]
    zoom, off = rng.uniform(0.88, 1.0), rng.uniform(-0.05, 0.05, 2)
    if mode == 'static':
        lo, hi = world.min(axis=(0, 1)), world.max(axis=(0, 1))
        center = np.tile((lo + hi) / 2.0, (t, 1))
    elif mode == 'track':
        pelvis = world[:, 11:13].mean(axis=1)
        center = _smooth(pelvis, max(1.0, t / 24.0))
    else:
        raise ValueError(f'unknown camera mode {mode!r}')
    rel = world - center[:, None, :]
    rel[..., 1] *= -1.0
    half = img_size * (0.5 - margin)
    offset = off * img_size
    room = np.where(rel > 0, half - offset, half + offset)
    extent = np.abs(rel)
    with np.errstate(divide='ignore'):
        limit = np.where(extent > 1e-9, room / extent, np.inf).min()
    scale = float(min(zoom * fill * img_size, limit))
    return Camera(center=center, scale=scale, offset=offset,
                  img_size=img_size)


def observe(pixels: np.ndarray, scale: float, lateral: float, img_size: int,
            rng: np.random.Generator
            ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate a 2D pose detector on the clean pixel skeleton.

    Args:
        pixels (np.ndarray): (T, V>=17, 2) clean pixel keypoints.
        scale (float): Pixels per body height (sets the noise level).
        lateral (float): Sine of the viewing angle; in side view the far
            (left) side gets lower confidence.
        img_size (int): Frame side in pixels (boxes are clipped to it).
        rng (np.random.Generator): Random generator of this sample.

    Returns:
        tuple: ``keypoint`` (T, 17, 2) float32 noisy pixels,
        ``keypoint_score`` (T, 17) float32 in [0, 1] and ``boxes`` (T, 4)
        float32 xyxy person boxes inside the image.
    """
    kp = pixels[:, :NUM_KEYPOINTS]
    speed = np.zeros(kp.shape[:2])  # body heights per frame
    if kp.shape[0] > 1:
        step = np.linalg.norm(np.diff(kp, axis=0), axis=-1) / scale
        speed[0], speed[-1] = step[0], step[-1]
        speed[1:-1] = 0.5 * (step[1:] + step[:-1])
    far = np.zeros(NUM_KEYPOINTS)
    far[list(LEFT_KEYPOINTS)] = 0.15 * (1.0 - lateral)
    far[3] += 0.3 * (1.0 - lateral)  # the far ear is hidden by the head
    conf = (0.97 - 0.45 * np.tanh(speed / 0.12) - far[None]
            - np.abs(rng.normal(0.0, 0.03, speed.shape)))
    conf = np.clip(conf, 0.05, 1.0)
    sigma = scale * (0.004 + 0.02 * (1.0 - conf))
    noisy = kp + rng.normal(size=kp.shape) * sigma[..., None]
    lo, hi = noisy.min(axis=1), noisy.max(axis=1)
    pad = 0.08 * (hi - lo) + 0.06 * scale
    boxes = np.clip(np.concatenate([lo - pad, hi + pad], axis=1), 0, img_size)
    return (noisy.astype(np.float32), conf.astype(np.float32),
            boxes.astype(np.float32))
