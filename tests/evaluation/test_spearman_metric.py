import numpy as np
import pytest
import torch
from scipy.stats import spearmanr

from aqa_mm.evaluation import SpearmanMetric, fisher_z_average


def _samples(pred, gt, cls):
    return [dict(pred_aqa_score=torch.tensor(p), gt_score=torch.tensor(g),
                 class_id=torch.tensor(c)) for p, g, c in zip(pred, gt, cls)]


def test_metric_is_computed_once_over_all_batches():
    rng = np.random.default_rng(0)
    gt = rng.uniform(0, 10, 30)
    pred = gt + rng.normal(0, 3, 30)
    cls = np.arange(30) % 3
    metric = SpearmanMetric()
    metric.dataset_meta = dict(classes=['a', 'b', 'c'],
                               score_ranges={0: (0, 10), 1: (0, 10),
                                             2: (0, 20)})
    for i in range(0, 30, 4):  # batches of 4: per-batch ρ would differ
        metric.process(None, _samples(pred[i:i + 4], gt[i:i + 4],
                                      cls[i:i + 4]))
    out = metric.evaluate(30)
    assert out['aqa/spearman'] == pytest.approx(spearmanr(pred, gt).statistic)
    per_class = [spearmanr(pred[cls == c], gt[cls == c]).statistic
                 for c in range(3)]
    assert out['aqa/spearman_b'] == pytest.approx(per_class[1])
    assert out['aqa/spearman_fisher_z'] == pytest.approx(
        fisher_z_average(per_class))
    span = np.where(cls == 2, 20.0, 10.0)
    assert out['aqa/r_l2'] == pytest.approx(
        100 * np.mean(((pred - gt) / span)**2))
    assert out['aqa/mse'] == pytest.approx(np.mean((pred - gt)**2))


def test_calculate_matches_scipy():
    a, b = [1, 2, 2, 3, 5], [2, 1, 4, 4, 9]
    assert SpearmanMetric.calculate(a, b) == pytest.approx(
        spearmanr(a, b).statistic)


def test_missing_prediction_field_is_named():
    metric = SpearmanMetric()
    with pytest.raises(KeyError, match='pred_aqa_score'):
        metric.process(None, [dict(gt_score=torch.tensor(1.0))])
