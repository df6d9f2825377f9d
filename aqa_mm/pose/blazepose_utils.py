"""Building blocks of the BlazePose backend: the 33 -> COCO-17 joint map,
the COCO metainfo for drawing, and a filter for MediaPipe's native log lines.

BlazePose's 33 landmarks are listed, in index order, in MediaPipe's pose
documentation (``mediapipe.solutions.pose.PoseLandmark``;
https://github.com/google-ai-edge/mediapipe/blob/master/docs/solutions/pose.md
, "Pose Landmark Model"). The 17 COCO joints are all among them under the
same names (nose, eyes, ears, shoulders, elbows, wrists, hips, knees,
ankles), so the map is a name lookup, checked against mediapipe's enum in
the tests.
"""
import contextlib
import io
import os
import sys
import tempfile
from typing import Iterator, Sequence, Tuple

import numpy as np

# BlazePose landmark names in MediaPipe's index order (0..32)
BLAZEPOSE_NAMES = (
    'nose', 'left_eye_inner', 'left_eye', 'left_eye_outer',
    'right_eye_inner', 'right_eye', 'right_eye_outer', 'left_ear',
    'right_ear', 'mouth_left', 'mouth_right', 'left_shoulder',
    'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist',
    'right_wrist', 'left_pinky', 'right_pinky', 'left_index', 'right_index',
    'left_thumb', 'right_thumb', 'left_hip', 'right_hip', 'left_knee',
    'right_knee', 'left_ankle', 'right_ankle', 'left_heel', 'right_heel',
    'left_foot_index', 'right_foot_index')

# What MediaPipe's native code prints on import, graph start and first frame
# even when all is well. On import its pybind layer probes protobuf's
# MessageFactory.GetPrototype (gone since protobuf 5) and prints the error
# with no newline: that exact text is cut out. Lines holding one of the
# TFLite / absl start-up notes are dropped. Everything else passes through.
MEDIAPIPE_NOISE_TEXT = (
    "AttributeError: 'MessageFactory' object has no attribute "
    "'GetPrototype'",)
MEDIAPIPE_NOISE_LINES = (
    'Created TensorFlow Lite XNNPACK delegate',
    'All log messages before absl::InitializeLog() is called',
    'inference_feedback_manager.cc',
    'landmark_projection_calculator.cc',
)


def coco_metainfo() -> dict:
    """mmpose's COCO-17 metainfo (names, skeleton links, colours).

    Returns:
        dict: Parsed ``configs/_base_/datasets/coco.py`` of the installed
        mmpose, as in a COCO model's ``dataset_meta``.
    """
    import mmpose
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    path = os.path.join(os.path.dirname(mmpose.__file__), '.mim', 'configs',
                        '_base_', 'datasets', 'coco.py')
    return parse_pose_metainfo(dict(from_file=path))


def blazepose_to_coco(coco_names: Sequence[str]) -> np.ndarray:
    """BlazePose landmark index of each COCO joint.

    Args:
        coco_names (Sequence[str]): The V target joint names in order
            (COCO: ``coco_metainfo()['keypoint_id2name']``).

    Returns:
        np.ndarray: (V,) int64 indices into the 33 landmarks.

    Raises:
        KeyError: A name BlazePose does not have (named).
    """
    missing = [n for n in coco_names if n not in BLAZEPOSE_NAMES]
    if missing:
        raise KeyError(f'BlazePose has no landmark {missing[0]!r}')
    return np.array([BLAZEPOSE_NAMES.index(n) for n in coco_names])


def landmarks_to_pixels(landmarks: np.ndarray, index: np.ndarray,
                        box: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Selected landmarks of a crop, in frame pixels, with their scores.

    Args:
        landmarks (np.ndarray): (33, 3) ``x, y, visibility``; x, y are
            normalised to the crop (MediaPipe's output).
        index (np.ndarray): (V,) landmarks to keep (see
            :func:`blazepose_to_coco`).
        box (np.ndarray): (4,) the crop ``x1, y1, x2, y2`` in frame pixels.

    Returns:
        tuple[np.ndarray, np.ndarray]: keypoints (V, 2) float32 in frame
        pixels and scores (V,) float32 (the visibility).
    """
    sel = np.asarray(landmarks, np.float64)[index]  # (V, 3)
    x1, y1, x2, y2 = (float(v) for v in box)
    kpts = sel[:, :2] * (x2 - x1, y2 - y1) + (x1, y1)  # (V, 2)
    return kpts.astype(np.float32), sel[:, 2].astype(np.float32)


@contextlib.contextmanager
def filtered_native_stderr(noise_lines: Sequence[str] = MEDIAPIPE_NOISE_LINES,
                           noise_text: Sequence[str] = MEDIAPIPE_NOISE_TEXT
                           ) -> Iterator[None]:
    """Hold back what is written to stderr (file descriptor 2 and
    ``sys.stderr``), then pass it on without ``noise_text`` and without the
    lines holding ``noise_lines``.

    MediaPipe's C++ code logs through absl/glog straight to fd 2, so neither
    Python's ``logging`` nor ``GLOG_minloglevel`` reaches it (tried); its
    import error is printed through ``sys.stderr``. Use this only around the
    calls that print the known start-up lines: every other line still comes
    out, after the block (fd 2's first, then ``sys.stderr``'s).

    Args:
        noise_lines (Sequence[str]): Substrings of the lines to drop.
            Defaults to :data:`MEDIAPIPE_NOISE_LINES`.
        noise_text (Sequence[str]): Exact text to cut out wherever it is.
            Defaults to :data:`MEDIAPIPE_NOISE_TEXT`.
    """
    sys.stderr.flush()
    saved, python_err = os.dup(2), io.StringIO()
    with tempfile.TemporaryFile() as held, \
            contextlib.redirect_stderr(python_err):
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            text = held.read().decode(errors='replace')
    text += python_err.getvalue()
    for cut in noise_text:  # with its newline where it has one
        text = text.replace(cut + '\n', '').replace(cut, '')
    kept = [line for line in text.splitlines(keepends=True)
            if not any(n in line for n in noise_lines)]
    if kept:
        sys.stderr.write(''.join(kept))
        sys.stderr.flush()
