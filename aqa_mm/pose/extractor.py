"""Per-video pose extraction: decode, pick the athlete, batched pose, record.

The pose estimator is HRNet through mmpose (:class:`BatchedTopdown`) or
BlazePose through MediaPipe (:class:`aqa_mm.pose.BlazePoseEstimator`); both
take frames and one box per frame and return COCO-17 keypoints in pixels
(see :class:`PoseExtractor`), so the record and all rules are the same.

The record is the per-video pose format shared with the synthetic data set
(:func:`aqa_mm.datasets.synthetic.performance.pose_record`)::

    frame_dir (str)                 sample id
    total_frames (int)              T, the number of decoded frames
    img_shape, original_shape       (H, W) of the video
    keypoint (np.ndarray)           (1, T, 17, 2) float32, pixels
    keypoint_score (np.ndarray)     (1, T, 17) float32
    boxes (np.ndarray)              (1, T, 4) float32, athlete box xyxy

Every decoded frame is kept. A frame without an athlete (blank, no
matching detection, or an estimator that found nobody: all scores 0) has
zero keypoints, score 0 and a zero box.

A video fails with :class:`NoPersonError` when no frame has a keypoint score
above ``min_person_score``; a blank video (all frames uniform) always fails.
"""
from typing import (TYPE_CHECKING, Callable, List, Optional, Sequence, Tuple,
                    Union)

import numpy as np

from .batched_topdown import BatchedTopdown
from .person_tracker import DetectionTracker, PoseBoxTracker, is_blank
from .video_reader import VideoReader
from .visualize import OverlayVideoWriter

if TYPE_CHECKING:
    from .blazepose import BlazePoseEstimator

# frames -> per-frame (K, 5) person detections ``x1, y1, x2, y2, score``
Detector = Callable[[Sequence[np.ndarray]], List[np.ndarray]]
# HRNet (BatchedTopdown) or BlazePoseEstimator; see PoseExtractor
PoseEstimator = Union[BatchedTopdown, 'BlazePoseEstimator']


class NoPersonError(Exception):
    """A readable video in which no athlete was found.

    Args:
        path (str): The video file.
        reason (str): One-line reason.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f'{path}: {reason}')


class PoseExtractor:
    """Extract the athlete's skeleton sequence from one video at a time.

    The estimator is called as ``estimator(frames, boxes)`` with N frames
    (H, W, 3) BGR and (N, 4) boxes ``xyxy`` and returns keypoints (N, V, 2)
    pixels and scores (N, V); it has ``num_keypoints``, ``meta`` (mmpose
    metainfo, for the overlay) and ``reset()`` (called before each video).

    Args:
        estimator (BatchedTopdown | BlazePoseEstimator): The pose model.
        detector (callable, optional): Person detector (see
            :class:`aqa_mm.pose.person_detector.MMDetPersonDetector`); None
            uses the detector-free fallback. Defaults to None.
        batch_size (int): Frames decoded and estimated together.
            Defaults to 8.
        min_person_score (float): A video whose best keypoint score is not
            above this has "no person". Use 0 with random weights.
            Defaults to 0.3.
        kpt_thr (float): Keypoint score that counts as confident (fallback
            tracking box, overlay drawing). Defaults to 0.3.
        iou_thr (float): IoU to continue a detection track. Defaults to 0.3.
        max_lost (int): Missed frames before a detection track is dropped.
            Defaults to 10.
        margin (float): Fallback box enlargement per side. Defaults to 0.25.
        lost_patience (int): Fallback: frames the last box is still searched
            once the athlete is lost, before the whole frame. Defaults to 0.
    """

    def __init__(self, estimator: 'PoseEstimator',
                 detector: Optional[Detector] = None, batch_size: int = 8,
                 min_person_score: float = 0.3, kpt_thr: float = 0.3,
                 iou_thr: float = 0.3, max_lost: int = 10,
                 margin: float = 0.25, lost_patience: int = 0) -> None:
        self.estimator = estimator
        self.detector = detector
        self.batch_size = batch_size
        self.min_person_score = min_person_score
        self.kpt_thr = kpt_thr
        self.iou_thr = iou_thr
        self.max_lost = max_lost
        self.margin = margin
        self.lost_patience = lost_patience

    def _new_tracker(self, img_shape: Tuple[int, int]):
        if self.detector is not None:
            return DetectionTracker(self.iou_thr, self.max_lost)
        return PoseBoxTracker(img_shape, self.kpt_thr, margin=self.margin,
                              lost_patience=self.lost_patience)

    def _boxes(self, frames: Sequence[np.ndarray],
               tracker) -> List[Optional[np.ndarray]]:
        """The athlete box of every frame of a batch (None: no athlete)."""
        blank = [is_blank(f) for f in frames]
        if self.detector is None:
            box = tracker.propose()
            return [None if b else box for b in blank]
        seen = [f for f, b in zip(frames, blank) if not b]
        dets = iter(self.detector(seen) if seen else [])
        empty = np.zeros((0, 5), np.float32)
        return [tracker.select(empty if b else next(dets)) for b in blank]

    def _process(self, frames: Sequence[np.ndarray], tracker
                 ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Keypoints (B, V, 2), scores (B, V), boxes (B, 4) of a batch."""
        n, v = len(frames), self.estimator.num_keypoints
        kpts = np.zeros((n, v, 2), np.float32)
        scores = np.zeros((n, v), np.float32)
        boxes = np.zeros((n, 4), np.float32)
        proposals = self._boxes(frames, tracker)
        idx = [i for i, box in enumerate(proposals) if box is not None]
        if idx:
            boxes[idx] = np.stack([proposals[i] for i in idx])
            kpts[idx], scores[idx] = self.estimator(
                [frames[i] for i in idx], boxes[idx])
            nobody = ~scores.any(1)  # (B,) the estimator found no one
            kpts[nobody], boxes[nobody] = 0, 0
            if isinstance(tracker, PoseBoxTracker):
                tracker.observe(kpts[idx[-1]], scores[idx[-1]])
        return kpts, scores, boxes

    def extract(self, video: str, frame_dir: str,
                max_frames: Optional[int] = None,
                vis_path: Optional[str] = None,
                frame_range: Optional[Tuple[int, int]] = None) -> dict:
        """Pose record of one video.

        Args:
            video (str): Video file.
            frame_dir (str): Sample id stored as ``frame_dir``.
            max_frames (int, optional): Only the first frames (quick
                checks). Defaults to None (all).
            vis_path (str, optional): Also write an overlay video here.
                Defaults to None.
            frame_range (tuple[int, int], optional): Only frames
                ``start``..``end`` (0-based, inclusive; see
                :class:`VideoReader`). Defaults to None (all).

        Returns:
            dict: The pose record (see the module docstring).

        Raises:
            VideoReadError: Unreadable, non-video or zero-frame file.
            NoPersonError: No athlete in any frame.
        """
        reader = VideoReader(video, self.batch_size, max_frames,
                             frame_range=frame_range)
        writer = (OverlayVideoWriter(vis_path, reader.fps,
                                     self.estimator.meta, self.kpt_thr)
                  if vis_path else None)
        parts, tracker, img_shape = [], None, None
        self.estimator.reset()
        try:
            for frames in reader:
                if tracker is None:
                    img_shape = tuple(int(s) for s in frames[0].shape[:2])
                    tracker = self._new_tracker(img_shape)
                part = self._process(frames, tracker)
                parts.append(part)
                if writer is not None:
                    for frame, k, s, b in zip(frames, *part):
                        writer.write(frame, k, s, b)
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        if writer is not None:
            writer.close()
        kpts, scores, boxes = (np.concatenate(a) for a in zip(*parts))
        best = float(scores.max())
        if best <= self.min_person_score:
            raise NoPersonError(
                video, f'no person: best keypoint score {best:.3f} <= '
                f'min_person_score {self.min_person_score} in all '
                f'{len(scores)} frames (with random weights use 0)')
        return dict(frame_dir=frame_dir, total_frames=int(len(kpts)),
                    img_shape=img_shape, original_shape=img_shape,
                    keypoint=kpts[None], keypoint_score=scores[None],
                    boxes=boxes[None])
