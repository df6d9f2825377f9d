"""Ridge regression with its penalty chosen by leave-one-out CV on the
training part only (closed form, no test data involved).

Features are standardised with the training part's mean and std; the
intercept is fitted and not penalised. For a penalty alpha the fit is
``w = (Xa^T Xa + alpha D)^-1 Xa^T y`` with ``Xa = [X, 1]`` and ``D =
diag(1, ..., 1, 0)``; the leave-one-out residuals of a linear smoother are
exactly ``(y_i - yhat_i) / (1 - H_ii)`` with ``H = Xa (Xa^T Xa + alpha D)^-1
Xa^T``, so every alpha of the grid is scored without refitting.
"""
from typing import Sequence

import numpy as np

ALPHAS = tuple(float(a) for a in np.logspace(-2, 4, 25))


def _augmented(x: np.ndarray) -> np.ndarray:
    return np.hstack([x, np.ones((x.shape[0], 1))])


def _solve(xa: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    penalty = alpha * np.eye(xa.shape[1])
    penalty[-1, -1] = 0.0  # intercept
    return np.linalg.solve(xa.T @ xa + penalty, xa.T @ y)


def loo_mse(x: np.ndarray, y: np.ndarray, alpha: float) -> float:
    """Leave-one-out mean squared error of ridge on standardised ``x``.

    Args:
        x (np.ndarray): (N, D) standardised features.
        y (np.ndarray): (N,) targets.
        alpha (float): Penalty.

    Returns:
        float: Mean of the squared leave-one-out residuals.
    """
    xa = _augmented(x)
    penalty = alpha * np.eye(xa.shape[1])
    penalty[-1, -1] = 0.0
    hat = xa @ np.linalg.solve(xa.T @ xa + penalty, xa.T)  # [N, N]
    resid = (y - hat @ y) / (1.0 - np.diag(hat))
    return float(np.mean(resid**2))


class RidgeLOO:
    """Ridge regression, penalty by leave-one-out CV on the training data.

    Args:
        alphas (Sequence[float]): Penalty grid. Defaults to 25 values from
            1e-2 to 1e4, log-spaced.

    Attributes:
        alpha_ (float): The chosen penalty (the smallest LOO error; the
            larger penalty on a tie).
        mean_, scale_ (np.ndarray): (D,) training standardisation.
        coef_ (np.ndarray): (D + 1,) weights, the intercept last.
    """

    def __init__(self, alphas: Sequence[float] = ALPHAS) -> None:
        self.alphas = tuple(alphas)

    def fit(self, x: np.ndarray, y: np.ndarray) -> 'RidgeLOO':
        """Standardise, choose the penalty, fit.

        Args:
            x (np.ndarray): (N, D) features, N >= 3.
            y (np.ndarray): (N,) targets.

        Returns:
            RidgeLOO: self.
        """
        x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
        if x.ndim != 2 or y.shape != (x.shape[0], ) or x.shape[0] < 3:
            raise ValueError(f'x {x.shape} and y {y.shape} must be (N, D) '
                             'and (N,) with N >= 3')
        self.mean_ = x.mean(0)
        self.scale_ = x.std(0)
        self.scale_[self.scale_ == 0] = 1.0
        z = (x - self.mean_) / self.scale_
        errors = [loo_mse(z, y, a) for a in self.alphas]
        best = min(errors)
        self.alpha_ = max(a for a, e in zip(self.alphas, errors)
                          if e <= best * (1 + 1e-12))
        self.coef_ = _solve(_augmented(z), y, self.alpha_)
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predict with the training standardisation.

        Args:
            x (np.ndarray): (N, D) features.

        Returns:
            np.ndarray: (N,) predictions.
        """
        z = (np.asarray(x, np.float64) - self.mean_) / self.scale_
        return _augmented(z) @ self.coef_
