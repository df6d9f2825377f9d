"""Pure AQA metric functions (numpy in, float out); mean ± std over runs."""
import math
from typing import Mapping, Optional, Sequence, Tuple, Union

import numpy as np
from scipy.stats import rankdata


def spearman(pred: Sequence[float], gt: Sequence[float]) -> float:
    """Spearman's rank correlation, ties handled by average ranks.

    Agrees with ``scipy.stats.spearmanr(pred, gt).statistic``.

    Args:
        pred (Sequence[float]): Predicted scores, shape (N,).
        gt (Sequence[float]): Ground-truth scores, shape (N,).

    Returns:
        float: ρ in [-1, 1]; NaN when N < 2 or either side is constant.
    """
    pred = np.asarray(pred, dtype=np.float64).ravel()
    gt = np.asarray(gt, dtype=np.float64).ravel()
    if pred.shape != gt.shape:
        raise ValueError(f'pred has shape {pred.shape} but gt has {gt.shape}')
    if pred.size < 2:
        return float('nan')
    rp, rg = rankdata(pred), rankdata(gt)
    rp -= rp.mean()
    rg -= rg.mean()
    denom = np.sqrt((rp * rp).sum() * (rg * rg).sum())
    return float((rp * rg).sum() / denom) if denom > 0 else float('nan')


def fisher_z_average(rhos: Sequence[float]) -> float:
    """Average correlations in Fisher-z space: tanh(mean(atanh(ρ_i))).

    This is the AQA-7 "Ave" of the paper. ρ = ±1 is clipped to ±(1 - 1e-7)
    so one perfect class does not make the average infinite.

    Args:
        rhos (Sequence[float]): Per-class correlations, shape (K,).

    Returns:
        float: The averaged correlation.
    """
    r = np.clip(np.asarray(rhos, dtype=np.float64), -1 + 1e-7, 1 - 1e-7)
    return float(np.tanh(np.arctanh(r).mean()))


def relative_l2(pred: Sequence[float], gt: Sequence[float],
                class_ids: Sequence[int],
                ranges: Mapping[int, Tuple[float, float]]) -> float:
    """Relative L2 distance, 100 · mean(((p − y) / (max − min))²).

    Following CoRe, (min, max) is each class's *fixed* score range from the
    training data, not the range seen in the evaluated set.

    Args:
        pred (Sequence[float]): Predictions, shape (N,).
        gt (Sequence[float]): Ground truth, shape (N,).
        class_ids (Sequence[int]): Class of each sample, shape (N,).
        ranges (Mapping[int, tuple[float, float]]): class id → (min, max).

    Returns:
        float: R-ℓ2 (×100).
    """
    pred = np.asarray(pred, dtype=np.float64)
    gt = np.asarray(gt, dtype=np.float64)
    missing = sorted({int(c) for c in class_ids} - set(map(int, ranges)))
    if missing:
        raise KeyError(f'no score range for class id(s) {missing}; known: '
                       f'{sorted(ranges)}')
    span = np.array([ranges[int(c)][1] - ranges[int(c)][0]
                     for c in class_ids], dtype=np.float64)
    span[span <= 0] = 1.0  # a one-sample class: fall back to raw error
    return float(100.0 * np.mean(((pred - gt) / span)**2))


def mse(pred: Sequence[float], gt: Sequence[float]) -> float:
    """Mean squared error.

    Args:
        pred (Sequence[float]): Predictions, shape (N,).
        gt (Sequence[float]): Ground truth, shape (N,).

    Returns:
        float: mean((p − y)²).
    """
    diff = np.asarray(pred, np.float64) - np.asarray(gt, np.float64)
    return float(np.mean(diff * diff))


def mean_std(values: Sequence[float]) -> Tuple[float, float]:
    """Mean and sample standard deviation over runs (seeds).

    The one rule of the project: sample std (ddof = 1), NaN when there are
    fewer than 2 values (a single run has no spread to report).

    Args:
        values (Sequence[float]): shape (K,), one value per run.

    Returns:
        tuple[float, float]: (mean, std); (NaN, NaN) for no values.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return float('nan'), float('nan')
    std = float(v.std(ddof=1)) if v.size > 1 else float('nan')
    return float(v.mean()), std


def mean_std_cell(values: Sequence[float]) -> Optional[dict]:
    """:func:`mean_std` as a JSON-safe table cell.

    Args:
        values (Sequence[float]): shape (K,), one value per run.

    Returns:
        dict | None: ``dict(mean, std, n)`` with ``std`` None when n < 2;
        None when there are no values.
    """
    if len(values) == 0:
        return None
    mean, std = mean_std(values)
    return dict(mean=mean, std=None if math.isnan(std) else std,
                n=len(values))


def format_mean_std(values: Union[Sequence[float], Mapping, None],
                    digits: int = 3) -> str:
    """``'0.636 ± 0.003 (n=3)'``; ``'0.636 (n=1)'``; ``'–'`` for nothing.

    Args:
        values (Sequence[float] | dict | None): Values, one per run, or a
            :func:`mean_std_cell` dict.
        digits (int): Decimals.

    Returns:
        str: The table cell.
    """
    cell = values if values is None or isinstance(values, Mapping) \
        else mean_std_cell(values)
    if not cell:
        return '–'
    text = f'{cell["mean"]:.{digits}f}'
    std = cell.get('std')
    if std is not None and not math.isnan(std):
        text += f' ± {std:.{digits}f}'
    return f'{text} (n={cell["n"]})'
