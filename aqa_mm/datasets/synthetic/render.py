"""RGB renderings of SYNTHETIC performances (capsule stick figures).

The figure is drawn with OpenCV from the clean pixel skeleton on a plain or
vertical-gradient background, with simple scenery (floor, platform, vault
table) as filled rectangles, and written as an mp4 (fourcc ``mp4v``).
"""
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Tuple, Union

import cv2
import numpy as np

from .kinematics import HEAD_CENTER, NECK

RGB = Tuple[int, int, int]
_SHIFT = 4  # sub-pixel bits for cv2 drawing
_ARM_L, _ARM_R = (5, 7, 9), (6, 8, 10)
_LEG_L, _LEG_R = (11, 13, 15), (12, 14, 16)


@dataclass(frozen=True)
class RenderStyle:
    """Colours of one rendering (RGB, 0-255).

    Attributes:
        background_top (RGB): Colour of the top image row.
        background_bottom (RGB): Colour of the bottom row (equal to the top
            for a plain background).
        body (RGB): Limb and torso colour.
        skin (RGB): Head colour.
        prop (RGB): Floor / platform / table colour.
    """

    background_top: RGB
    background_bottom: RGB
    body: RGB
    skin: RGB
    prop: RGB


def _rgb(values: np.ndarray) -> RGB:
    v = np.clip(np.round(values), 0, 255).astype(int)
    return int(v[0]), int(v[1]), int(v[2])


def sample_style(rng: np.random.Generator) -> RenderStyle:
    """Draw the colours of one rendering.

    Args:
        rng (np.random.Generator): Random generator (the render stream of a
            sample, independent of its motion).

    Returns:
        RenderStyle: Light background, saturated body colour.
    """
    top = rng.uniform(150, 245, 3)
    bottom = top if rng.uniform() < 0.4 else rng.uniform(110, 230, 3)
    hue = rng.uniform(0, 180)
    hsv = np.uint8([[[hue, rng.uniform(170, 255), rng.uniform(90, 180)]]])
    body = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0].astype(float)
    skin = np.array([224.0, 172.0, 140.0]) * rng.uniform(0.55, 1.05)
    prop = rng.uniform(60, 120, 3)
    return RenderStyle(_rgb(top), _rgb(bottom), _rgb(body), _rgb(skin),
                       _rgb(prop))


def _background(style: RenderStyle, size: int) -> np.ndarray:
    w = np.linspace(0.0, 1.0, size)[:, None]
    rows = (1 - w) * np.array(style.background_top) + w * np.array(
        style.background_bottom)
    return np.repeat(np.round(rows).astype(np.uint8)[:, None, :], size, 1)


def _fix(points: np.ndarray) -> np.ndarray:
    """Pixel floats to cv2 fixed-point int32 (clipped against overflow)."""
    scaled = np.clip(points, -1e4, 1e4) * (1 << _SHIFT)
    return np.round(scaled).astype(np.int32)


def render_frames(points: np.ndarray, props: np.ndarray, style: RenderStyle,
                  img_size: int, limb_width: float,
                  head_radius: float) -> np.ndarray:
    """Draw the stick figure of every frame.

    Args:
        points (np.ndarray): (T, 19, 2) clean pixel points (17 COCO
            keypoints, head centre, neck).
        props (np.ndarray): (T, P, 4) xyxy pixel rectangles of the scenery.
        style (RenderStyle): Colours.
        img_size (int): Square frame side.
        limb_width (float): Limb thickness in pixels.
        head_radius (float): Head radius in pixels.

    Returns:
        np.ndarray: (T, H, W, 3) uint8 RGB frames.
    """
    bg = _background(style, img_size)
    body = np.array(style.body, dtype=float)
    far = _rgb(body * 0.6)
    near = _rgb(body)
    limb = max(1, int(round(limb_width)))
    trunk = max(2, int(round(limb_width * 2.2)))
    radius = max(2, int(round(head_radius * (1 << _SHIFT))))
    fixed = _fix(points)
    rects = np.round(np.clip(props, -2, img_size + 2)).astype(int)
    frames = np.empty((points.shape[0], img_size, img_size, 3), np.uint8)
    aa = cv2.LINE_AA
    for t in range(points.shape[0]):
        img = bg.copy()
        for x0, y0, x1, y1 in rects[t]:
            cv2.rectangle(img, (x0, y0), (x1, y1), style.prop, -1)
        p = fixed[t]
        for chain, colour in ((_ARM_L, far), (_LEG_L, far)):
            cv2.polylines(img, [p[list(chain)]], False, colour, limb, aa,
                          _SHIFT)
        mid_sh = (p[5] + p[6]) // 2
        mid_hip = (p[11] + p[12]) // 2
        cv2.line(img, tuple(mid_sh), tuple(mid_hip), near, trunk, aa, _SHIFT)
        cv2.fillConvexPoly(img, p[[5, 6, 12, 11]], near, aa, _SHIFT)
        cv2.line(img, tuple(p[NECK]), tuple(p[HEAD_CENTER]), style.skin,
                 limb, aa, _SHIFT)
        cv2.circle(img, tuple(p[HEAD_CENTER]), radius, style.skin, -1, aa,
                   _SHIFT)
        cv2.circle(img, tuple(p[0]), max(1, radius // 4), far, -1, aa, _SHIFT)
        for chain in (_LEG_R, _ARM_R):
            cv2.polylines(img, [p[list(chain)]], False, near, limb, aa,
                          _SHIFT)
        frames[t] = img
    return frames


def write_video(frames: np.ndarray, path: Union[str, os.PathLike],
                fps: int) -> None:
    """Write RGB frames to an mp4 atomically (temporary name, then rename).

    Args:
        frames (np.ndarray): (T, H, W, 3) uint8 RGB frames.
        path (str | PathLike): Destination ``.mp4`` file.
        fps (int): Frame rate.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f'.{path.stem}.{os.getpid()}.tmp.mp4')
    h, w = frames.shape[1:3]
    writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*'mp4v'),
                             float(fps), (w, h))
    try:
        if not writer.isOpened():
            raise OSError(f'cannot open a video writer for {tmp}')
        for frame in frames:
            writer.write(np.ascontiguousarray(frame[..., ::-1]))
        writer.release()
        os.replace(tmp, path)
    finally:
        writer.release()
        if tmp.exists():
            tmp.unlink()
