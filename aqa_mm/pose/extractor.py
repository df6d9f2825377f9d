"""Per-video pose extraction: decode, find the one athlete, pose, record.

The pose estimator is HRNet through mmpose (:class:`BatchedTopdown`) or
BlazePose through MediaPipe (:class:`aqa_mm.pose.BlazePoseEstimator`); both
take frames and one box per frame and return COCO-17 keypoints in pixels
(see :class:`PoseExtractor`), so the record and all rules are the same.

Where the athlete is comes from one of three sources, each gated by one
:class:`aqa_mm.pose.AthleteTracker` per video (never another person):

* ``detector``: person boxes per frame (torchvision or mmdet); the tracker
  picks the athlete's box and the estimator runs in it;
* ``finder``: a :class:`aqa_mm.pose.PoseSearch` (BlazePose, every
  orientation) finds the athlete; the estimator (HRNet) runs in his box,
  turned as the finder found him;
* neither: the estimator searches for the athlete itself
  (:class:`aqa_mm.pose.PoseSearch` over the estimator).

The record is the per-video pose format shared with the synthetic data set
(:func:`aqa_mm.datasets.synthetic.performance.pose_record`)::

    frame_dir (str)                 sample id
    total_frames (int)              T, the number of decoded frames
    img_shape, original_shape       (H, W) of the video
    keypoint (np.ndarray)           (1, T, 17, 2) float32, pixels
    keypoint_score (np.ndarray)     (1, T, 17) float32
    boxes (np.ndarray)              (1, T, 4) float32, athlete box xyxy
    track_state (np.ndarray)        (1, T) uint8: 0 lost, 1 tracked,
                                    2 reacquired (TRACK_STATES)
    track_angle (np.ndarray)        (1, T) int16: clockwise turn of the
                                    crop the pose was found in (0, 90,
                                    180, 270; 0 where lost)

``track_state`` and ``track_angle`` are newer than the other keys: pose
files without them still load everywhere. Every decoded frame is kept. A
frame without the athlete (blank, refused by the gate, or nobody found)
has zero keypoints, score 0, a zero box and state ``lost``: no joint is
invented.

A video fails with :class:`NoPersonError` when no frame has a keypoint score
above ``min_person_score``; a blank video (all frames uniform) always fails.
"""
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

from .athlete_tracker import LOST, TRACKED, AthleteTracker
from .orientation import ANGLES, estimate_turned, nearest_quarter, region_crop
from .person_tracker import is_blank
from .pose_search import PoseSearch, SearchResult
from .video_reader import VideoReader
from .visualize import OverlayVideoWriter

# frames -> per-frame (K, 5) person detections ``x1, y1, x2, y2, score``
Detector = Callable[[Sequence[np.ndarray]], List[np.ndarray]]


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

    The estimator is called as ``estimator(images, boxes)`` with N images
    (H, W, 3) BGR and (N, 4) boxes ``xyxy`` and returns keypoints (N, V, 2)
    pixels and scores (N, V); it has ``num_keypoints``, ``meta`` (mmpose
    metainfo, for the overlay) and ``reset()`` (called before each video).

    Args:
        estimator (BatchedTopdown | BlazePoseEstimator): The pose model.
        detector (callable, optional): Person detector, frames -> per-frame
            (K, 5) boxes with scores (see
            :class:`aqa_mm.pose.TorchvisionPersonDetector`). Defaults to
            None.
        finder (PoseSearch, optional): Finds the athlete's box when there
            is no detector (e.g. BlazePose for HRNet). Defaults to None:
            the estimator searches itself.
        batch_size (int): Frames decoded and estimated together.
            Defaults to 8.
        min_person_score (float): A video whose best keypoint score is not
            above this has "no person". Use 0 with random weights.
            Defaults to 0.3.
        kpt_thr (float): Score of a confident joint (search, overlay).
            Defaults to 0.3.
        angles (Sequence[int]): Turns of the crop the estimator's own
            search tries (:class:`PoseSearch`). Defaults to all four.
        min_keypoints (int): Confident joints a found pose needs.
            Defaults to 5.
        tracker_cfg (dict, optional): Keyword arguments of
            :class:`AthleteTracker` (its thresholds). Defaults to None.
        whole_frame (bool): No athlete search: the estimator sees every
            whole frame (random weights, single-person renders). Defaults
            to False.
        verifier (BlazePoseLandmarks, optional): Checks poses that start
            or resume the track (see :class:`PoseSearch`). Defaults to None.
    """

    def __init__(self, estimator, detector: Optional[Detector] = None,
                 finder: Optional[PoseSearch] = None, batch_size: int = 8,
                 min_person_score: float = 0.3, kpt_thr: float = 0.3,
                 angles: Sequence[int] = ANGLES, min_keypoints: int = 5,
                 tracker_cfg: Optional[dict] = None,
                 whole_frame: bool = False, verifier=None) -> None:
        if sum(x is not None for x in (detector, finder)) + whole_frame > 1:
            raise ValueError('give one of a person detector, a finder or '
                             'whole_frame')
        self.estimator = estimator
        self.detector = detector
        self.finder = finder
        self.whole_frame = whole_frame
        self.search = None if detector is not None or finder is not None \
            or whole_frame else PoseSearch(estimator, angles, kpt_thr,
                                           min_keypoints,
                                           verifier=verifier)
        self.batch_size = batch_size
        self.min_person_score = min_person_score
        self.kpt_thr = kpt_thr
        self.tracker_cfg = dict(tracker_cfg or {})

    def _detect(self, frames: Sequence[np.ndarray], blank: List[bool],
                tracker: AthleteTracker, first: int) -> SearchResult:
        """The athlete's detector box in each frame; keypoints not yet."""
        n = len(frames)
        seen = [f for f, b in zip(frames, blank) if not b]
        dets = iter(self.detector(seen) if seen else [])
        out = SearchResult(np.zeros((n, 0, 2), np.float32),
                           np.zeros((n, 0), np.float32),
                           np.zeros((n, 4), np.float32),
                           np.zeros(n, np.uint8), np.zeros(n, np.int16))
        for i, b in enumerate(blank):
            frame_dets = np.zeros((0, 5), np.float32) if b else next(dets)
            box, out.states[i] = tracker.select(frame_dets, first + i)
            if box is not None:
                out.boxes[i] = box
        return out

    def _process(self, frames: Sequence[np.ndarray], tracker: AthleteTracker,
                 first: int) -> SearchResult:
        """The athlete's pose in a batch of frames starting at ``first``."""
        blank = [is_blank(f) for f in frames]
        if self.search is not None:
            return self.search(frames, tracker, first, blank)
        if self.whole_frame:
            h, w = tracker.img_shape
            n = len(frames)
            found = SearchResult(None, None, np.tile(np.array(
                [0, 0, w, h], np.float32), (n, 1)), np.array(
                [0 if b else TRACKED for b in blank], np.uint8),
                np.zeros(n, np.int16))
            found.boxes[blank] = 0
        elif self.detector is not None:
            found = self._detect(frames, blank, tracker, first)
        else:
            found = self.finder(frames, tracker, first, blank)
        n, v = len(frames), self.estimator.num_keypoints
        kpts = np.zeros((n, v, 2), np.float32)
        scores = np.zeros((n, v), np.float32)
        crops = {i: region_crop(found.boxes[i], tracker.img_shape)
                 for i in np.flatnonzero(found.states)}
        for i in [i for i, crop in crops.items() if crop is None]:
            del crops[i]  # a degenerate box: no pose
            found.states[i], found.boxes[i] = LOST, 0
        idx = sorted(crops)
        if idx:
            crops = [crops[i] for i in idx]
            kpts[idx], scores[idx] = estimate_turned(
                self.estimator, [frames[i] for i in idx], crops,
                [nearest_quarter(found.angles[i]) for i in idx])
        nobody = ~scores.any(1)  # (N,) the estimator found no one
        found.states[nobody], found.boxes[nobody] = LOST, 0
        found.angles[nobody] = 0
        return SearchResult(kpts, scores, found.boxes, found.states,
                            found.angles)

    def extract(self, video: str, frame_dir: str,
                max_frames: Optional[int] = None,
                vis_path: Optional[str] = None,
                frame_range: Optional[Tuple[int, int]] = None,
                athlete_box: Optional[Sequence[float]] = None) -> dict:
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
            athlete_box (Sequence[float], optional): ``x1, y1, x2, y2``
                around the athlete in the first frame: the track starts
                from him (:meth:`AthleteTracker.seed`) instead of whoever
                the whole frame shows first. Defaults to None.

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
        parts, tracker, img_shape, first = [], None, None, 0
        for model in (self.estimator, self.finder and self.finder.estimator):
            if model is not None:
                model.reset()
        try:
            for frames in reader:
                if tracker is None:
                    img_shape = tuple(int(s) for s in frames[0].shape[:2])
                    tracker = AthleteTracker(img_shape, **self.tracker_cfg)
                    if athlete_box is not None:
                        try:
                            tracker.seed(np.asarray(athlete_box, float))
                        except ValueError as exc:
                            raise NoPersonError(video, str(exc)) from None
                part = self._process(frames, tracker, first)
                first += len(frames)
                parts.append(part)
                if writer is not None:
                    for frame, k, s, b in zip(frames, part.keypoints,
                                              part.scores, part.boxes):
                        writer.write(frame, k, s, b)
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        if writer is not None:
            writer.close()
        kpts, scores, boxes, states, angles = (
            np.concatenate([getattr(p, k) for p in parts]) for k in
            ('keypoints', 'scores', 'boxes', 'states', 'angles'))
        best = float(scores.max())
        if best <= self.min_person_score:
            raise NoPersonError(
                video, f'no person: best keypoint score {best:.3f} <= '
                f'min_person_score {self.min_person_score} in all '
                f'{len(scores)} frames (with random weights use 0)')
        return dict(frame_dir=frame_dir, total_frames=int(len(kpts)),
                    img_shape=img_shape, original_shape=img_shape,
                    keypoint=kpts[None], keypoint_score=scores[None],
                    boxes=boxes[None], track_state=states[None],
                    track_angle=angles[None])
