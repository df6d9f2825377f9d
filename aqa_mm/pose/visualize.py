"""Overlay video for checking extracted poses (``--visualize``).

Draws the athlete box, the skeleton and the keypoints on every frame with
OpenCV, using the skeleton links and colours of the pose model's
``dataset_meta`` (COCO for the default HRNet). The video is written to a
temporary file and renamed on success, like every other output.
"""
import os
import tempfile
from pathlib import Path
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np


class OverlayVideoWriter:
    """Write frames with the tracked pose drawn on them.

    Args:
        path (str | Path): Destination ``.mp4``.
        fps (float): Frame rate.
        dataset_meta (dict): mmpose metainfo with ``skeleton_links``,
            ``skeleton_link_colors`` and ``keypoint_colors`` (RGB).
        kpt_thr (float): Keypoints and links below this score are not drawn.
            Defaults to 0.3.
    """

    def __init__(self, path, fps: float, dataset_meta: dict,
                 kpt_thr: float = 0.3) -> None:
        self.path = Path(path)
        self.fps = fps
        self.kpt_thr = kpt_thr
        self.links = [tuple(link) for link in dataset_meta['skeleton_links']]
        self.link_colors = self._bgr(dataset_meta['skeleton_link_colors'])
        self.kpt_colors = self._bgr(dataset_meta['keypoint_colors'])
        self._writer: Optional[cv2.VideoWriter] = None
        self._tmp: Optional[str] = None

    @staticmethod
    def _bgr(colors) -> Sequence[Tuple[int, int, int]]:
        return [tuple(int(c) for c in rgb[::-1]) for rgb in np.asarray(colors)]

    def _open(self, size: Tuple[int, int]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f'.{self.path.name}.',
                                         suffix='.tmp.mp4',
                                         dir=self.path.parent)
        os.close(fd)
        self._writer = cv2.VideoWriter(self._tmp,
                                       cv2.VideoWriter_fourcc(*'mp4v'),
                                       self.fps, size)
        if not self._writer.isOpened():
            self.abort()
            raise OSError(f'cannot write the overlay video {self.path}')

    def write(self, frame: np.ndarray, keypoints: np.ndarray,
              scores: np.ndarray, box: np.ndarray) -> None:
        """Draw one frame and append it.

        Args:
            frame (np.ndarray): (H, W, 3) BGR image (not modified).
            keypoints (np.ndarray): (V, 2) pixel coordinates.
            scores (np.ndarray): (V,) keypoint scores; all 0 = no athlete.
            box (np.ndarray): (4,) athlete box ``xyxy`` (zeros: none).
        """
        if self._writer is None:
            self._open((frame.shape[1], frame.shape[0]))
        canvas = frame.copy()
        thick = max(1, round(max(frame.shape[:2]) / 400))
        if np.any(box):
            x1, y1, x2, y2 = (int(round(v)) for v in box)
            cv2.rectangle(canvas, (x1, y1), (x2, y2), (0, 255, 255), thick)
        pts = [tuple(int(round(v)) for v in p) for p in keypoints]
        for (a, b), color in zip(self.links, self.link_colors):
            if min(scores[a], scores[b]) >= self.kpt_thr:
                cv2.line(canvas, pts[a], pts[b], color, thick, cv2.LINE_AA)
        for pt, s, color in zip(pts, scores, self.kpt_colors):
            if s >= self.kpt_thr:
                cv2.circle(canvas, pt, 2 * thick, color, -1, cv2.LINE_AA)
        self._writer.write(canvas)

    def close(self) -> None:
        """Finish the video and move it into place."""
        if self._writer is None:
            return
        self._writer.release()
        self._writer = None
        os.replace(self._tmp, self.path)
        self._tmp = None

    def abort(self) -> None:
        """Drop a partly written video (after an error)."""
        if self._writer is not None:
            self._writer.release()
            self._writer = None
        if self._tmp and os.path.exists(self._tmp):
            os.unlink(self._tmp)
        self._tmp = None
