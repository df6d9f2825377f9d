"""Ridge with leave-one-out penalty: the closed form against refitting."""
import numpy as np
import pytest

from projects.jigsaws.ridge import RidgeLOO, _augmented, _solve, loo_mse


def test_loo_closed_form_equals_refitting():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(12, 5)), rng.normal(size=12)
    for alpha in (0.1, 3.0):
        resid = []
        for i in range(12):
            keep = np.arange(12) != i
            w = _solve(_augmented(x[keep]), y[keep], alpha)
            resid.append(y[i] - _augmented(x[i:i + 1]) @ w)
        assert loo_mse(x, y, alpha) == pytest.approx(
            float(np.mean(np.square(resid))))


def test_recovers_a_linear_target_and_uses_train_statistics():
    rng = np.random.default_rng(1)
    x = rng.normal(loc=5.0, scale=[1, 10, 100], size=(40, 3))
    y = 2 * x[:, 0] - 0.1 * x[:, 1] + 7
    model = RidgeLOO().fit(x, y)
    assert model.alpha_ == min(model.alphas)  # noise-free: least penalty
    assert np.allclose(model.predict(x[:5]), y[:5], atol=0.05)
    np.testing.assert_allclose(model.mean_, x.mean(0))


def test_noise_chooses_a_larger_penalty():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(15, 29)), rng.normal(size=15)  # no signal
    assert RidgeLOO().fit(x, y).alpha_ >= 100


def test_bad_shapes():
    with pytest.raises(ValueError, match='N >= 3'):
        RidgeLOO().fit(np.zeros((2, 3)), np.zeros(2))
