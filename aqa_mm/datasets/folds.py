"""Deterministic, class-stratified folds of a split.

Used to carve a validation part out of the training split
(``SubsetDataset(holdout=...)``) and for the out-of-fold predictions behind
cross-fitted preference labels (``tools/crossfit_preferences.py``), so that
no decision is ever taken on the test split.
"""
from typing import Dict, Iterable, Tuple

import numpy as np


def assign_folds(samples: Iterable[Tuple[str, int]], num_folds: int,
                 seed: int = 0) -> Dict[str, int]:
    """Assign each sample to one of ``num_folds`` folds, per class.

    Within each class the ids are sorted, shuffled with ``seed`` and dealt
    round-robin, so every fold gets ⌊n_c / k⌋ or ⌈n_c / k⌉ samples of class
    c, and the result does not depend on the input order.

    Args:
        samples (Iterable[tuple[str, int]]): (frame_dir, class_id) pairs.
        num_folds (int): k ≥ 2.
        seed (int): Shuffle seed. Defaults to 0.

    Returns:
        dict[str, int]: frame_dir → fold in [0, k).
    """
    if num_folds < 2:
        raise ValueError(f'num_folds must be >= 2, got {num_folds}')
    by_class: Dict[int, list] = {}
    for frame_dir, class_id in samples:
        by_class.setdefault(int(class_id), []).append(str(frame_dir))
    folds = {}
    for class_id in sorted(by_class):
        ids = sorted(by_class[class_id])
        order = np.random.default_rng([seed, class_id]).permutation(len(ids))
        for rank, i in enumerate(order):
            folds[ids[i]] = rank % num_folds
    return folds
