"""Find the athlete's pose frame by frame: the estimator looks only where
the :class:`AthleteTracker` predicts him, in every orientation.

For each frame:

1. The estimator sees the tracker's search region (the whole frame until
   the athlete is first found), turned by the angle of the athlete's last
   pose (upright at the start).
2. The pose counts if at least ``min_keypoints`` (5) joints score
   ``kpt_thr`` (0.3) or more and the tracker's identity gate accepts its
   centre and size (:meth:`AthleteTracker.accepts`). A pose found in a
   turned crop must be upright in it (torso within ``max_turn_change``,
   60 degrees). A pose that starts or resumes the track (after lost
   frames) must also look like the athlete (colours along the limbs,
   :mod:`aqa_mm.pose.appearance`, Bhattacharyya coefficient >= 0.5 with
   his running model) and, with a ``verifier``, be confirmed as a person
   by BlazePose's landmark model on its own region
   (:meth:`aqa_mm.pose.BlazePoseLandmarks.verify`).
3. Otherwise the region is searched again turned by the other quarter
   turns (:func:`aqa_mm.pose.orientation.search_order`), keypoints mapped
   back to the frame. After ``full_search`` (3) consecutive frames without
   the athlete, only one other turn is tried per frame, in rotation, so a
   long absence (under water, out of view) costs about two estimator calls
   a frame instead of four.
4. No accepted pose: the frame is empty (zero keypoints and scores) and
   ``lost``; a pose of someone the gate refused is never kept.

The estimator is any callable ``estimator(images, boxes)`` returning
keypoints (N, V, 2) in pixels and scores (N, V), as
:class:`aqa_mm.pose.BlazePoseEstimator` and
:class:`aqa_mm.pose.BatchedTopdown`.
With a batch of N frames the first try of every frame uses the region
predicted at the start of the batch (BlazePose runs with N = 1).
"""
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .appearance import limb_histogram, similarity
from .athlete_tracker import AthleteTracker, pose_extent
from .orientation import (ANGLES, estimate_turned, nearest_quarter,
                          region_crop, search_order, torso_turn)


@dataclass
class SearchResult:
    """The athlete in a batch of N frames (zeros where lost).

    Attributes:
        keypoints (np.ndarray): (N, V, 2) float32 frame pixels.
        scores (np.ndarray): (N, V) float32.
        boxes (np.ndarray): (N, 4) float32 person boxes ``xyxy``: the
            confident joints' box enlarged by the search's ``margin``.
        states (np.ndarray): (N,) uint8 track states
            (:data:`aqa_mm.pose.athlete_tracker.TRACK_STATES`).
        angles (np.ndarray): (N,) int16 clockwise turn the pose was found
            in (0 where lost).
    """
    keypoints: np.ndarray
    scores: np.ndarray
    boxes: np.ndarray
    states: np.ndarray
    angles: np.ndarray


class PoseSearch:
    """The athlete's pose in each frame, by an estimator that searches the
    tracker's region in every orientation. See the module docstring.

    Args:
        estimator (callable): ``estimator(images, boxes)``, e.g.
            :class:`aqa_mm.pose.BlazePoseEstimator`.
        angles (Sequence[int]): Turns searched (0 first at the start).
            ``(0,)`` turns the search off. Defaults to all four.
        kpt_thr (float): Score of a confident joint. Defaults to 0.3.
        min_keypoints (int): Confident joints a pose needs. Defaults to 5.
        full_search (int): Lost frames in a row searched in every
            orientation before one turn per frame. Defaults to 3.
        margin (float): Person box enlargement per side, as a fraction of
            the confident joints' box. Defaults to 0.25.
        acquire_keypoints (int): Confident joints a pose needs to start the
            track (stricter than ``min_keypoints``: a wrong start is never
            corrected). Defaults to 9.
        acquire_wide (bool): Also start the track from the turned frame
            and a 2 x 2 grid of windows. Off by default: on real clips it
            started tracks on flags and banners (pose models hallucinate
            more on turned and zoomed views), so the track starts only from
            an upright whole frame. Defaults to False.
        verifier (BlazePoseLandmarks, optional): A pose that starts or
            resumes the track (after lost frames) counts only if this
            model, shown the pose's own region upright, says a person is
            there (:meth:`BlazePoseLandmarks.verify`): flags, railings and
            banners a detector mistook for a person are refused. Defaults
            to None.
        min_similarity (float): A pose that resumes the track (after lost
            frames) counts only if the colours along its limbs match the
            athlete's (:mod:`aqa_mm.pose.appearance`; Bhattacharyya
            coefficient with the running model, at least this). Defaults
            to 0.5.
        appearance_rate (float): Weight of each accepted pose in the
            running colour model. Defaults to 0.2.
        max_turn_change (float): A pose found in a turned crop counts only
            if its torso is within this many degrees of upright in that
            crop (else the turn was wrong: pose models still report a
            person lying across their input, with poor joints). Defaults
            to 60.
    """

    def __init__(self, estimator, angles: Sequence[int] = ANGLES,
                 kpt_thr: float = 0.3, min_keypoints: int = 5,
                 full_search: int = 3, margin: float = 0.25,
                 acquire_keypoints: int = 9,
                 acquire_wide: bool = False,
                 max_turn_change: float = 60.0, verifier=None,
                 min_similarity: float = 0.5,
                 appearance_rate: float = 0.2) -> None:
        self.estimator = estimator
        self.angles = tuple(angles)
        if not self.angles or self.angles[0] != 0:
            raise ValueError(f'angles must start with 0, got {self.angles}')
        self.kpt_thr = kpt_thr
        self.min_keypoints = min_keypoints
        self.full_search = full_search
        self.margin = margin
        self.acquire_keypoints = acquire_keypoints
        self.acquire_wide = acquire_wide
        self.max_turn_change = max_turn_change
        self.verifier = verifier
        self.min_similarity = min_similarity
        self.appearance_rate = appearance_rate

    def _turns(self, tracker: AthleteTracker, first_tried: bool = True
               ) -> List[int]:
        """The turns to try: after the first one failed, the others (with
        ``first_tried`` False, as in a frame the batch's first try did not
        cover, the first one too)."""
        order = list(search_order(nearest_quarter(tracker.angle),
                                  self.angles))
        first, order = order[:1], order[1:]
        if tracker.lost_run >= self.full_search and order:
            order = [order[(tracker.lost_run - self.full_search) %
                           len(order)]]
        return order if first_tried else first + order

    def _accept(self, kpts: np.ndarray, scores: np.ndarray,
                tracker: AthleteTracker, frame: int, angle: float,
                image: Optional[np.ndarray] = None
                ) -> Optional[Tuple[np.ndarray, int]]:
        """(person box, state) if the pose is the athlete, else None. A
        pose that would start or resume the track must also pass the
        ``verifier`` (given ``image``)."""
        found = pose_extent(kpts, scores, self.kpt_thr, self.min_keypoints)
        if found is None or not tracker.accepts(found[1], found[2], frame):
            return None
        resumes = not tracker.acquired or frame - tracker.last_frame > 1
        clear = (scores >= self.kpt_thr).sum() >= self.acquire_keypoints
        needed = clear or (resumes and tracker.appearance is not None)
        hist = limb_histogram(image, kpts, scores, self.kpt_thr) \
            if image is not None and needed else None
        if resumes and tracker.appearance is not None and (
                hist is None or similarity(hist, tracker.appearance)
                < self.min_similarity):
            return None  # looks like someone (something) else
        if resumes and self.verifier is not None and image is not None \
                and not self.verifier.verify(image, kpts, scores, angle,
                                             self.kpt_thr):
            return None
        if hist is not None and clear:
            # the model learns from clear detector poses only
            tracker.appearance = hist if tracker.appearance is None else \
                (1 - self.appearance_rate) * tracker.appearance + \
                self.appearance_rate * hist
        box, centre, size = found
        pad = (box[2:] - box[:2]) * self.margin
        h, w = tracker.img_shape
        box = np.clip(np.concatenate([box[:2] - pad, box[2:] + pad]), 0,
                      [w, h, w, h]).astype(np.float32)
        turn = torso_turn(kpts, scores, self.kpt_thr)
        return box, tracker.update(centre, size, frame,
                                   angle if turn is None else turn)

    def __call__(self, frames: Sequence[np.ndarray], tracker: AthleteTracker,
                 first_frame: int, blank: Optional[Sequence[bool]] = None
                 ) -> SearchResult:
        """Search a batch of consecutive frames.

        Args:
            frames (Sequence[np.ndarray]): N BGR images (H, W, 3) uint8.
            tracker (AthleteTracker): The video's tracker (updated).
            first_frame (int): Index of ``frames[0]`` in the video.
            blank (Sequence[bool], optional): Frames known to show nobody
                (not searched). Defaults to None.

        Returns:
            SearchResult: The athlete in each frame.
        """
        n, shape = len(frames), tracker.img_shape
        blank = list(blank) if blank is not None else [False] * n
        first_angle = nearest_quarter(tracker.angle)
        crop = region_crop(tracker.region(first_frame), shape)
        tried = [i for i in range(n) if not blank[i] and crop is not None
                 and tracker.acquired]
        kpts = scores = None
        if tried:
            kpts, scores = estimate_turned(
                self.estimator, [frames[i] for i in tried],
                [crop] * len(tried), [first_angle] * len(tried), track=True)
        v = self.estimator.num_keypoints
        out = SearchResult(np.zeros((n, v, 2), np.float32),
                           np.zeros((n, v), np.float32),
                           np.zeros((n, 4), np.float32),
                           np.zeros(n, np.uint8), np.zeros(n, np.int16))
        first = {i: j for j, i in enumerate(tried)}
        for i in range(n):
            t, hit = first_frame + i, None
            if i in first:
                j = first[i]
                hit = self._accept(kpts[j], scores[j], tracker, t,
                                   first_angle, frames[i])
                if hit is not None:
                    out.keypoints[i], out.scores[i] = kpts[j], scores[j]
            if hit is None and not blank[i] and not tracker.acquired:
                hit = self._acquire(frames[i], tracker, t, out, i)
            elif hit is None and not blank[i]:
                hit = self._search_turned(frames[i], tracker, t, out, i,
                                          skip=-1 if i not in first
                                          else first_angle)
            if hit is None:
                out.states[i] = tracker.miss()
            else:
                out.boxes[i], out.states[i] = hit
                out.angles[i] = int(round(tracker.angle)) % 360
        return out

    def _windows(self, img_shape: Tuple[int, int]) -> List[np.ndarray]:
        """Acquisition windows: the whole frame, then a 2 x 2 grid of
        overlapping windows of 60 % of its sides (smaller athletes)."""
        h, w = img_shape
        wins = [np.array([0, 0, w, h], np.int64)]
        for fy in (0.0, 0.4):
            for fx in (0.0, 0.4):
                wins.append(np.array([fx * w, fy * h, (fx + 0.6) * w,
                                      (fy + 0.6) * h]).round()
                            .astype(np.int64))
        return wins

    def _acquire(self, frame: np.ndarray, tracker: AthleteTracker, t: int,
                 out: SearchResult, i: int
                 ) -> Optional[Tuple[np.ndarray, int]]:
        """Rule 1 of the tracker: the person the upright whole frame shows
        (``acquire_wide``: of the people the windows and turns show, one
        found upright if any, then the one with the most confident joints,
        then the largest). Every (window, turn) pair is tried in the
        first ``full_search`` frames; then two pairs a frame, in rotation."""
        wins = self._windows(tracker.img_shape)
        pairs = [(win, a) for win in wins for a in self.angles] \
            if self.acquire_wide else [(wins[0], 0)]
        if tracker.lost_run >= self.full_search:
            k = 2 * (tracker.lost_run - self.full_search)
            pairs = [pairs[(k + j) % len(pairs)] for j in range(2)]
        best = None
        for win, angle in pairs:
            kpts, scores = estimate_turned(self.estimator, [frame], [win],
                                           [angle])
            found = pose_extent(kpts[0], scores[0], self.kpt_thr,
                                max(self.min_keypoints,
                                    self.acquire_keypoints))
            if found is None:
                continue
            key = (angle == 0, int((scores[0] >= self.kpt_thr).sum()),
                   found[2])
            if best is None or key > best[0]:
                best = (key, kpts[0], scores[0], angle)
        if best is None:
            return None
        _, kpts, scores, angle = best
        hit = self._accept(kpts, scores, tracker, t, angle, frame)
        if hit is not None:
            out.keypoints[i], out.scores[i] = kpts, scores
        return hit

    def _search_turned(self, frame: np.ndarray, tracker: AthleteTracker,
                       t: int, out: SearchResult, i: int, skip: int
                       ) -> Optional[Tuple[np.ndarray, int]]:
        """Steps 3: the other turns of the current region, one at a time."""
        crop = region_crop(tracker.region(t), tracker.img_shape)
        if crop is None:
            return None
        for angle in self._turns(tracker, first_tried=skip != -1):
            if angle == skip:
                continue
            kpts, scores = estimate_turned(self.estimator, [frame], [crop],
                                           [angle], track=True)
            turn = torso_turn(kpts[0], scores[0], self.kpt_thr)
            if turn is not None and abs((turn - angle + 180) % 360 - 180) \
                    > self.max_turn_change:
                continue  # not upright in the crop it was found in
            hit = self._accept(kpts[0], scores[0], tracker, t, angle, frame)
            if hit is not None:
                out.keypoints[i], out.scores[i] = kpts[0], scores[0]
                return hit
        return None
