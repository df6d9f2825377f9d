"""PackAQAInputs: the AQA targets a head reads, as data-sample fields."""
import numpy as np
import pytest
import torch

from aqa_mm.datasets.transforms import PackAQAInputs


def _results(**extra):
    return dict(keypoint=np.zeros((1, 4, 17, 2), np.float32), score=12.5,
                frame_dir='s0', img_shape=(8, 8), **extra)


def test_targets_become_fields():
    packed = PackAQAInputs()(_results(
        class_id=2, difficulty=3.1, gt_preference=1,
        scores_items=np.array([3, 4, 2, 5, 4, 3], np.int64)))
    sample = packed['data_samples']
    assert float(sample.gt_score) == 12.5 and int(sample.class_id) == 2
    assert float(sample.difficulty) == np.float32(3.1)
    assert int(sample.gt_preference) == 1
    assert sample.gt_item_scores.dtype == torch.float32
    assert sample.gt_item_scores.tolist() == [3, 4, 2, 5, 4, 3]


def test_optional_targets_stay_absent():
    sample = PackAQAInputs()(_results(scores_items=None))['data_samples']
    for key in ('class_id', 'difficulty', 'gt_preference', 'gt_item_scores'):
        assert key not in sample


def test_packed_item_scores_train_musdl():
    """The six JIGSAWS GRS items, as the converter writes them, reach
    MUSDLHead through PackAQAInputs: one KL per item, and the GRS total
    (their sum) as the prediction."""
    from aqa_mm.registry import MODELS
    items = [[3, 4, 2, 5, 4, 3], [1, 2, 2, 1, 3, 2]]
    samples = [PackAQAInputs()(_results(scores_items=np.array(i)))[
        'data_samples'] for i in items]
    head = MODELS.build(dict(type='MUSDLHead', in_channels=8, num_judges=6,
                             judge_range=(1, 5), num_bins=5, combine='sum'))
    feats = torch.randn(2, 8)
    loss = head.loss(feats, samples)
    assert all(torch.isfinite(v) for v in loss.values())
    out = head.predict(feats, samples)
    for sample in out:
        assert float(sample.pred_aqa_score) == \
            pytest.approx(float(sample.pred_judge_scores.sum()))
