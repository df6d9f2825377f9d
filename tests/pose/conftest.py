"""Fixtures for the pose-extraction tests: small videos written with cv2,
a stub estimator for logic tests, and the random-weight HRNet."""
from pathlib import Path
from typing import Callable, List, Optional, Sequence

import cv2
import numpy as np
import pytest

# minimal mmpose-style metainfo for the overlay writer
STUB_META = dict(skeleton_links=[(0, 1), (1, 2)],
                 skeleton_link_colors=np.full((2, 3), 255),
                 keypoint_colors=np.full((17, 3), 200))


def write_video(path: Path, frames: Sequence[np.ndarray], fps: int = 10
                ) -> Path:
    """Write BGR frames (H, W, 3) uint8 to an mp4 with OpenCV."""
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (w, h))
    assert writer.isOpened(), path
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def person_frames(num: int, size=(64, 96), blank_at=(), seed: int = 0
                  ) -> List[np.ndarray]:
    """Textured frames with a bright moving "person"; ``blank_at`` frames
    are uniform grey."""
    rng = np.random.default_rng(seed)
    h, w = size
    frames = []
    for t in range(num):
        if t in blank_at:
            frames.append(np.full((h, w, 3), 90, np.uint8))
            continue
        frame = rng.integers(0, 80, (h, w, 3), dtype=np.uint8)
        x = 10 + 3 * t
        cv2.rectangle(frame, (x, 12), (x + 16, 52), (230, 230, 230), -1)
        frames.append(frame)
    return frames


@pytest.fixture
def make_video(tmp_path) -> Callable[..., Path]:
    """``make_video(name, num=8, blank_at=(), all_blank=False)`` -> path."""
    def make(name: str, num: int = 8, blank_at=(), all_blank: bool = False,
             size=(64, 96)) -> Path:
        frames = person_frames(num, size, range(num) if all_blank
                               else blank_at)
        return write_video(tmp_path / name, frames)
    return make


class StubEstimator:
    """Stands in for BatchedTopdown: keypoints spread over the box, fixed
    score; optionally raises after ``fail_after`` calls."""

    num_keypoints = 17
    meta = STUB_META

    def __init__(self, score: float = 0.9,
                 fail_after: Optional[int] = None) -> None:
        self.score = score
        self.fail_after = fail_after
        self.calls = 0
        self.resets = 0
        self.boxes: List[np.ndarray] = []

    def reset(self) -> None:
        self.resets += 1

    def __call__(self, frames, boxes):
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError('stub failure')
        boxes = np.asarray(boxes, np.float32)
        self.boxes.extend(boxes)
        u = np.linspace(0.2, 0.8, 17, dtype=np.float32)
        kpts = np.stack([boxes[:, None, 0] + u * (boxes[:, None, 2] -
                                                   boxes[:, None, 0]),
                         boxes[:, None, 1] + u * (boxes[:, None, 3] -
                                                   boxes[:, None, 1])], -1)
        return kpts, np.full((len(boxes), 17), self.score, np.float32)


@pytest.fixture
def stub_estimator() -> StubEstimator:
    return StubEstimator()


@pytest.fixture(scope='session')
def hrnet():
    """HRNet-w32 with random weights (seed 0), CPU. Shared: never wrap it
    in ``BatchedTopdown(fast=True)``, which folds its batch norms."""
    from aqa_mm.pose import init_pose_model
    return init_pose_model(random_weights=True)


@pytest.fixture(scope='session')
def real_video(real_data_dir) -> str:
    path = real_data_dir / 'videos' / 'demo_skeleton.mp4'
    if not path.is_file():
        pytest.fail(f'real video missing: {path}')
    return str(path)


@pytest.fixture(scope='package', autouse=True)
def _one_torch_thread():
    """One torch thread: on a shared 2-core machine, two threads per process
    oversubscribe the cores and make small forwards erratic (seconds)."""
    import torch
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
