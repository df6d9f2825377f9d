"""Cross-fitted preference labels for PFM (beyond the paper).

The paper's preference label y^c = argmin(|S^s − y|, |S^r − y|) (Eq. 5) is
computed from training-set predictions, which fit the training targets far
better than test predictions do, so the selector learns to predict which
stream *memorised* a sample. Here each stream's score for a training sample
comes from a model that did not see it: k class-stratified folds, a linear
regressor per stream (closed-form ridge on the cached features; the same
linear form as PFM's regression FCs) fitted on k − 1 folds predicts the
held-out fold.
"""
from typing import Dict, Sequence

import numpy as np
from scipy.stats import spearmanr

from aqa_mm.datasets.folds import assign_folds


def ridge_fit_predict(x_fit: np.ndarray, y_fit: np.ndarray,
                      x_pred: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Ridge regression with intercept on z-scored features.

    Args:
        x_fit (ndarray): (n, C) training features.
        y_fit (ndarray): (n,) training targets.
        x_pred (ndarray): (m, C) features to predict.
        alpha (float): L2 penalty, relative to n. Defaults to 1.

    Returns:
        ndarray: (m,) predictions.
    """
    mu, sd = x_fit.mean(0), x_fit.std(0) + 1e-6
    a, b = (x_fit - mu) / sd, (x_pred - mu) / sd
    y_mu = y_fit.mean()
    gram = a.T @ a + alpha * len(a) * np.eye(a.shape[1])
    w = np.linalg.solve(gram, a.T @ (y_fit - y_mu))
    return b @ w + y_mu


def crossfit_preferences(frame_dirs: Sequence[str],
                         class_ids: Sequence[int],
                         scores: np.ndarray,
                         feats: Dict[str, np.ndarray],
                         num_folds: int = 5,
                         seed: int = 0,
                         alpha: float = 1.0) -> Dict:
    """Out-of-fold stream scores and the preference labels they give.

    Args:
        frame_dirs (Sequence[str]): N sample ids.
        class_ids (Sequence[int]): N class ids (folds are stratified).
        scores (ndarray): (N,) ground-truth scores.
        feats (dict[str, ndarray]): ``skeleton`` (N, C^s) and ``rgb``
            (N, C^r).
        num_folds (int): k. Defaults to 5.
        seed (int): Fold seed. Defaults to 0.
        alpha (float): Ridge penalty. Defaults to 1.

    Returns:
        dict: ``labels`` {frame_dir: 0 skeleton / 1 RGB}, ``oof`` (N, 2)
        out-of-fold scores, ``in_sample`` (N, 2) scores of a fit on all
        samples, and summary numbers (``oof_spearman_<stream>``,
        ``skeleton_share_oof``, ``skeleton_share_in_sample``,
        ``label_agreement``: how often the paper's in-sample labels agree
        with the cross-fitted ones).
    """
    streams = ('skeleton', 'rgb')
    for s in streams:
        if s not in feats:
            raise KeyError(f'crossfit_preferences needs {s!r} features')
    y = np.asarray(scores, dtype=np.float64)
    folds = assign_folds(zip(frame_dirs, class_ids), num_folds, seed)
    fold = np.array([folds[f] for f in frame_dirs])
    oof = np.zeros((len(y), 2))
    in_sample = np.zeros((len(y), 2))
    for k, s in enumerate(streams):
        x = np.asarray(feats[s], dtype=np.float64)
        in_sample[:, k] = ridge_fit_predict(x, y, x, alpha)
        for f in range(num_folds):
            held = fold == f
            oof[held, k] = ridge_fit_predict(x[~held], y[~held], x[held],
                                             alpha)
    label_oof = np.abs(oof - y[:, None]).argmin(1)        # ties -> skeleton
    label_in = np.abs(in_sample - y[:, None]).argmin(1)
    out = dict(labels={f: int(lab) for f, lab in zip(frame_dirs, label_oof)},
               oof=oof, in_sample=in_sample,
               skeleton_share_oof=float((label_oof == 0).mean()),
               skeleton_share_in_sample=float((label_in == 0).mean()),
               label_agreement=float((label_oof == label_in).mean()))
    for k, s in enumerate(streams):
        out[f'oof_spearman_{s}'] = float(spearmanr(oof[:, k], y)[0])
    return out
