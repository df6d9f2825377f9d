"""One SYNTHETIC performance: motion, camera, detector output and score.

Every sample draws from its own generators, seeded by
``(seed, class_id, index)``: stream 0 for the motion and camera, 1 for the
rendering colours, 2 for the judges. A sample therefore does not depend on
how many other samples are generated.
"""
from dataclasses import dataclass
from typing import Dict, Mapping, Optional

import numpy as np

from .actions import ACTIONS, ActionSpec
from .camera import Camera, fit_camera, observe
from .errors import check_severities, perform, sample_severities
from .kinematics import (BodyProportions, place_on_ground, sample_proportions,
                         skeleton_points)
from .render import RenderStyle, sample_style
from .scoring import SCORE_SPECS, ScoreSpec, judge_score

CLASS_NAMES = ('jump', 'squat', 'pike_dive', 'vault', 'cartwheel')
MIN_FRAMES = 8
MIN_IMG_SIZE = 32


@dataclass
class Performance:
    """A generated sample (everything needed to write its files).

    Attributes:
        sample_id (str): ``'<class_name>_<index:04d>'``.
        class_id (int): 0-based class index.
        class_name (str): Action kind.
        difficulty (float | None): Difficulty value (None without).
        errors (Dict[str, float]): Ground-truth error severities in [0, 1].
        score (float): Judge score.
        world (np.ndarray): (T, 19, 2) clean world points (body heights).
        pixels (np.ndarray): (T, 19, 2) clean pixel points.
        keypoint (np.ndarray): (1, T, 17, 2) float32 detected keypoints.
        keypoint_score (np.ndarray): (1, T, 17) float32 confidences.
        boxes (np.ndarray): (1, T, 4) float32 xyxy person boxes.
        props (np.ndarray): (T, P, 4) xyxy pixel scenery rectangles.
        style (RenderStyle): Rendering colours.
        scale (float): Pixels per body height.
        body (BodyProportions): Segment lengths.
        img_size (int): Frame side in pixels.
    """

    sample_id: str
    class_id: int
    class_name: str
    difficulty: Optional[float]
    errors: Dict[str, float]
    score: float
    world: np.ndarray
    pixels: np.ndarray
    keypoint: np.ndarray
    keypoint_score: np.ndarray
    boxes: np.ndarray
    props: np.ndarray
    style: RenderStyle
    scale: float
    body: BodyProportions
    img_size: int


def _scenery(spec: ActionSpec, world: np.ndarray,
             phase: np.ndarray) -> np.ndarray:
    """World xyxy rectangles (y up) of the action's scenery, (P, 4)."""
    if spec.prop == 'floor':
        return np.array([[-50.0, -20.0, 50.0, 0.0]])
    if spec.prop == 'platform':
        edge = world[0, 15:17, 0].max() + 0.04
        return np.array([[edge - 50.0, -0.25, edge, 0.0]])
    if spec.prop == 'table':
        t = int(np.argmin(np.abs(phase - 0.45)))
        x = world[t, 9:11, 0].mean()
        return np.array([[-50.0, -20.0, 50.0, 0.0],
                         [x - 0.2, 0.0, x + 0.2, 0.7]])
    return np.zeros((0, 4))


def _project_rects(rects: np.ndarray, camera: Camera) -> np.ndarray:
    """(P, 4) world rectangles to (T, P, 4) pixel xyxy rectangles."""
    t = camera.center.shape[0]
    corners = np.broadcast_to(rects.reshape(1, -1, 2),
                              (t, rects.shape[0] * 2, 2))
    px = camera.project(np.array(corners)).reshape(t, -1, 2, 2)
    return np.concatenate([px.min(axis=2), px.max(axis=2)], axis=-1)


def generate_performance(class_id: int, index: int, seed: int,
                         frames: int = 64, img_size: int = 128,
                         severities: Optional[Mapping[str, float]] = None,
                         judge_noise: bool = True) -> Performance:
    """Generate one SYNTHETIC performance.

    Args:
        class_id (int): Index into :data:`CLASS_NAMES`.
        index (int): Sample index within the class (>= 0).
        seed (int): Dataset seed (>= 0).
        frames (int): Number of frames T (>= 8). Defaults to 64.
        img_size (int): Square frame side in pixels (>= 32). Defaults to 128.
        severities (Mapping[str, float], optional): Override the drawn error
            severities (everything else about the sample stays the same).
        judge_noise (bool): Add judge noise; False gives the exact score.

    Returns:
        Performance: The sample.
    """
    if not 0 <= class_id < len(CLASS_NAMES):
        raise ValueError(f'class_id must be in [0, {len(CLASS_NAMES)}), '
                         f'got {class_id}')
    if frames < MIN_FRAMES:
        raise ValueError(f'frames must be >= {MIN_FRAMES}, got {frames}')
    if img_size < MIN_IMG_SIZE:
        raise ValueError(f'img_size must be >= {MIN_IMG_SIZE}, got {img_size}')
    name = CLASS_NAMES[class_id]
    spec: ActionSpec = ACTIONS[name]
    rules: ScoreSpec = SCORE_SPECS[name]
    rng = np.random.default_rng([seed, class_id, index, 0])
    body = sample_proportions(rng)
    drawn = sample_severities(rng)
    errors = check_severities(severities) if severities is not None else drawn
    level = int(rng.integers(rules.num_levels))
    difficulty = (float(rules.difficulty_levels[level])
                  if rules.difficulty_levels else None)
    start = rng.uniform(0.0, 0.08)
    duration = rng.uniform(0.84, 0.92)
    style_amp = rng.uniform(0.94, 1.06)

    u = np.clip((np.linspace(0.0, 1.0, frames) - start) / duration, 0.0, 1.0)
    pose = perform(lambda ph: spec.fn(ph, level), u, errors, rng,
                   spec.neutral, spec.underrotate, style_amp)
    world = place_on_ground(skeleton_points(pose, body, spec.lateral), pose,
                            body)
    camera = fit_camera(world, spec.camera, spec.fill, img_size, rng)
    pixels = camera.project(world)
    kp, conf, boxes = observe(pixels, camera.scale, spec.lateral, img_size,
                              rng)
    judge_rng = (np.random.default_rng([seed, class_id, index, 2])
                 if judge_noise else None)
    return Performance(
        sample_id=f'{name}_{index:04d}', class_id=class_id, class_name=name,
        difficulty=difficulty, errors=errors,
        score=judge_score(errors, rules, difficulty, judge_rng),
        world=world, pixels=pixels, keypoint=kp[None],
        keypoint_score=conf[None], boxes=boxes[None],
        props=_project_rects(_scenery(spec, world, u), camera),
        style=sample_style(np.random.default_rng([seed, class_id, index, 1])),
        scale=camera.scale, body=body, img_size=img_size)


def pose_record(perf: Performance) -> Dict:
    """The per-video pose file content (as ``tools/extract_pose.py`` writes).

    Args:
        perf (Performance): A generated sample.

    Returns:
        dict: ``frame_dir``, ``total_frames``, ``img_shape``,
        ``original_shape``, ``keypoint`` (1, T, 17, 2) float32,
        ``keypoint_score`` (1, T, 17) float32, ``boxes`` (1, T, 4) float32.
    """
    shape = (perf.img_size, perf.img_size)
    return dict(frame_dir=perf.sample_id,
                total_frames=int(perf.keypoint.shape[1]), img_shape=shape,
                original_shape=shape, keypoint=perf.keypoint,
                keypoint_score=perf.keypoint_score, boxes=perf.boxes)


def limb_width_px(perf: Performance) -> float:
    """Rendered limb thickness in pixels for a sample.

    Args:
        perf (Performance): A generated sample.

    Returns:
        float: Thickness (about 4.5% of the body height).
    """
    return 0.045 * perf.scale

