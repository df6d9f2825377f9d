"""The BlazePose -> COCO-17 joint map, pixel mapping and the log filter."""
import os
import sys

import numpy as np

from aqa_mm.pose.blazepose_utils import (BLAZEPOSE_NAMES, blazepose_to_coco,
                                         coco_metainfo, filtered_native_stderr,
                                         landmarks_to_pixels)


def _coco_names():
    meta = coco_metainfo()
    return [meta['keypoint_id2name'][i] for i in range(meta['num_keypoints'])]


def test_names_are_mediapipes_landmark_enum_in_order():
    with filtered_native_stderr():
        import mediapipe as mp
    PoseLandmark = mp.solutions.pose.PoseLandmark
    assert [lm.name.lower() for lm in PoseLandmark] == list(BLAZEPOSE_NAMES)
    assert [int(lm) for lm in PoseLandmark] == list(range(33))


def test_coco_joints_map_to_mediapipes_documented_indices():
    # MediaPipe pose docs: 0 nose, 2 left eye, 5 right eye, 7/8 ears,
    # 11-16 shoulders, elbows, wrists, 23-28 hips, knees, ankles
    index = blazepose_to_coco(_coco_names())
    assert index.tolist() == [0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24,
                              25, 26, 27, 28]
    assert [BLAZEPOSE_NAMES[i] for i in index] == _coco_names()


def test_unknown_joint_is_named():
    try:
        blazepose_to_coco(['nose', 'neck'])
    except KeyError as exc:
        assert "'neck'" in str(exc)
    else:
        raise AssertionError('no error for a joint BlazePose lacks')


def test_landmarks_go_to_frame_pixels_with_visibility_as_score():
    rng = np.random.default_rng(0)
    landmarks = rng.uniform(0, 1, (33, 3)).astype(np.float32)
    index = blazepose_to_coco(_coco_names())
    box = np.array([100, 50, 300, 450], np.float32)  # 200 x 400 crop
    kpts, scores = landmarks_to_pixels(landmarks, index, box)
    assert kpts.shape == (17, 2) and scores.shape == (17,)
    assert kpts.dtype == scores.dtype == np.float32
    # left wrist is BlazePose landmark 15, COCO joint 9
    np.testing.assert_allclose(kpts[9], [100 + 200 * landmarks[15, 0],
                                         50 + 400 * landmarks[15, 1]],
                               rtol=1e-6)
    np.testing.assert_array_equal(scores, landmarks[index, 2])


def test_native_noise_is_dropped_and_other_lines_kept(capfd):
    with filtered_native_stderr():
        os.write(2, b"AttributeError: 'MessageFactory' object has no "
                    b"attribute 'GetPrototype'")  # no newline, as printed
        os.write(2, b'W0000 inference_feedback_manager.cc:114] Feedback\n')
        os.write(2, b'E0000 something real went wrong\n')
        print('python line', file=sys.stderr)
        print("AttributeError: 'MessageFactory' object has no attribute "
              "'GetPrototype'", file=sys.stderr)  # as the import prints it
    err = capfd.readouterr().err
    assert 'GetPrototype' not in err and 'Feedback' not in err
    assert 'E0000 something real went wrong\n' in err
    assert 'python line' in err
    assert err.count('\n') == 2
