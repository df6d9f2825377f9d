import numpy as np
import pytest
from scipy.stats import spearmanr

from aqa_mm.evaluation import fisher_z_average, mse, relative_l2, spearman


@pytest.mark.parametrize('seed', range(5))
def test_spearman_matches_scipy_with_ties(seed):
    rng = np.random.default_rng(seed)
    gt = rng.integers(0, 6, size=40).astype(float)      # many ties
    pred = gt + rng.integers(-2, 3, size=40)             # ties too
    assert spearman(pred, gt) == pytest.approx(spearmanr(pred, gt).statistic,
                                               abs=1e-12)


def test_spearman_edge_cases():
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert np.isnan(spearman([1.0], [2.0]))
    assert np.isnan(spearman([1, 1, 1], [1, 2, 3]))
    with pytest.raises(ValueError, match=r'\(3,\).*\(2,\)'):
        spearman([1, 2, 3], [1, 2])


def test_fisher_z_average():
    rhos = [0.9, 0.5, 0.7]
    assert fisher_z_average(rhos) == pytest.approx(
        np.tanh(np.mean(np.arctanh(rhos))))
    assert fisher_z_average([0.9, 0.5]) > np.mean([0.9, 0.5])
    assert np.isfinite(fisher_z_average([1.0, 0.5]))


def test_relative_l2_uses_given_ranges():
    pred, gt, cls = [12.0, 60.0], [10.0, 50.0], [0, 1]
    ranges = {0: (10.0, 20.0), 1: (0.0, 100.0)}
    expected = 100 * np.mean([(2 / 10)**2, (10 / 100)**2])
    assert relative_l2(pred, gt, cls, ranges) == pytest.approx(expected)
    with pytest.raises(KeyError, match=r'\[7\]'):
        relative_l2(pred, gt, [0, 7], ranges)


def test_mse():
    assert mse([1, 2], [1, 4]) == pytest.approx(2.0)


def test_mean_std_one_rule_for_one_value():
    from aqa_mm.evaluation.functional import mean_std
    mean, std = mean_std([0.5, 0.7, 0.9])
    assert mean == pytest.approx(0.7)
    assert std == pytest.approx(0.2)  # sample std, ddof = 1
    mean, std = mean_std([0.5])
    assert mean == 0.5 and np.isnan(std)
    assert all(np.isnan(v) for v in mean_std([]))


def test_mean_std_cell_and_format():
    from aqa_mm.evaluation.functional import format_mean_std, mean_std_cell
    cell = mean_std_cell([0.634, 0.638])
    assert cell['n'] == 2 and cell['mean'] == pytest.approx(0.636)
    assert cell['std'] == pytest.approx(np.std([0.634, 0.638], ddof=1))
    assert format_mean_std([0.634, 0.638]) == '0.636 ± 0.003 (n=2)'
    assert format_mean_std(cell, digits=2) == '0.64 ± 0.00 (n=2)'
    assert mean_std_cell([0.5]) == dict(mean=0.5, std=None, n=1)
    assert format_mean_std([0.5]) == '0.500 (n=1)'
    assert mean_std_cell([]) is None
    assert format_mean_std([]) == '–' and format_mean_std(None) == '–'
