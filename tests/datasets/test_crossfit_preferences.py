"""Cross-fitted preference labels."""
import numpy as np
import pytest

from aqa_mm.datasets.crossfit_preferences import (crossfit_preferences,
                                                  ridge_fit_predict)


def test_ridge_recovers_a_linear_map():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    y = x @ np.array([1.0, -2.0, 0.5, 0.0, 3.0]) + 7
    pred = ridge_fit_predict(x, y, x, alpha=1e-6)
    assert np.allclose(pred, y, atol=1e-3)


def test_out_of_fold_labels_differ_from_in_sample_when_a_stream_overfits():
    rng = np.random.default_rng(0)
    n = 120
    y = rng.uniform(0, 10, n)
    skeleton = np.c_[y + rng.normal(0, 1.0, n), rng.normal(size=(n, 3))]
    rgb = rng.normal(size=(n, 100))   # pure noise, but can fit in-sample
    out = crossfit_preferences([f's{i}' for i in range(n)], [i % 2 for i in
                                                             range(n)],
                               y, dict(skeleton=skeleton, rgb=rgb),
                               num_folds=5, alpha=1e-3)
    assert out['oof'].shape == (n, 2)
    assert out['oof_spearman_skeleton'] > 0.9
    assert abs(out['oof_spearman_rgb']) < 0.3
    # in sample the noise stream looks good for many samples; out of fold
    # the skeleton stream is preferred far more often
    assert out['skeleton_share_oof'] > out['skeleton_share_in_sample'] + 0.2
    assert set(out['labels'].values()) <= {0, 1}
    with pytest.raises(KeyError, match='rgb'):
        crossfit_preferences(['a'], [0], np.zeros(1),
                             dict(skeleton=np.zeros((1, 2))))
