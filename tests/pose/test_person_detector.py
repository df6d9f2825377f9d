"""The mmdet wrapper, with a fake ``mmdet.apis`` (mmdet needs compiled
mmcv ops, which this environment lacks)."""
import sys
import types

import numpy as np
from mmengine.structures import InstanceData

from aqa_mm.pose import MMDetPersonDetector, mmdet_available


def test_mmdet_is_optional():
    assert mmdet_available() in (True, False)


def test_keeps_confident_person_boxes(monkeypatch):
    def inference_detector(model, imgs):
        assert model == 'model' and len(imgs) == 2
        out = []
        for _ in imgs:
            inst = InstanceData()
            inst.bboxes = np.array([[0, 0, 10, 20], [5, 5, 15, 25],
                                    [1, 1, 2, 2]], np.float32)
            inst.scores = np.array([0.9, 0.8, 0.2], np.float32)
            inst.labels = np.array([0, 3, 0])
            out.append(types.SimpleNamespace(pred_instances=inst))
        return out

    fake = types.ModuleType('mmdet.apis')
    fake.inference_detector = inference_detector
    monkeypatch.setitem(sys.modules, 'mmdet', types.ModuleType('mmdet'))
    monkeypatch.setitem(sys.modules, 'mmdet.apis', fake)
    frames = [np.zeros((32, 32, 3), np.uint8)] * 2
    dets = MMDetPersonDetector('model', score_thr=0.5)(frames)
    assert len(dets) == 2
    np.testing.assert_allclose(dets[0], [[0, 0, 10, 20, 0.9]])
    assert dets[0].dtype == np.float32
