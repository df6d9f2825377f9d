"""Per-sample feature files: the cache that PFM trains on in seconds.

One ``.npz`` per sample, named after its ``frame_dir``, holding one float32
vector per stream (``skeleton`` (C^s,), ``rgb`` (C^r,)). Written by
``tools/cache_features.py`` (frozen aqa_mm backbones) or
``tools/import_features.py`` ((N, C) arrays computed elsewhere), read by
:class:`~aqa_mm.datasets.transforms.LoadAQAFeatures`. Writes are atomic, so
a killed caching run leaves whole files only, and a rerun skips them.
"""
import os.path as osp
import zipfile
from typing import Dict, Mapping

import numpy as np

from aqa_mm.utils.cli import DataError
from aqa_mm.utils.io import atomic_open


def feature_filename(frame_dir: str) -> str:
    """File name of a sample's features: ``frame_dir`` with path separators
    replaced by ``__``, plus ``.npz``.

    Args:
        frame_dir (str): The sample id.

    Returns:
        str: e.g. ``'diving__001.npz'`` for ``'diving/001'``.
    """
    return str(frame_dir).replace('/', '__').replace('\\', '__') + '.npz'


def save_features(path: str, feats: Mapping[str, np.ndarray],
                  ndim: int = 1) -> None:
    """Write ``feats`` to ``path`` atomically.

    Args:
        path (str): Destination ``.npz``.
        feats (Mapping[str, ndarray]): Stream name → feature, 1-D (C,)
            clip features, or (T, C) with T >= 1 for feature sequences.
        ndim (int): 1 for (C,) features, 2 for (T, C) sequences.
            Defaults to 1.
    """
    shape = '1-D (C,)' if ndim == 1 else '(T, C) with T >= 1'
    arrays = {}
    for key, value in feats.items():
        value = np.asarray(value, dtype=np.float32)
        if value.ndim != ndim or (ndim == 2 and value.shape[0] == 0):
            raise ValueError(f'feature {key!r} for {path} must be {shape}, '
                             f'got shape {value.shape}')
        if not np.isfinite(value).all():
            raise DataError(f'feature {key!r} for {path} has NaN/inf values')
        arrays[key] = value
    with atomic_open(path, 'wb') as f:
        np.savez(f, **arrays)


def load_features(path: str) -> Dict[str, np.ndarray]:
    """Read a feature file.

    Args:
        path (str): A ``.npz`` written by :func:`save_features`.

    Returns:
        dict[str, ndarray]: Stream name → float32 (C,).

    Raises:
        DataError: The file is missing or unreadable (named).
    """
    if not osp.isfile(path):
        raise DataError(f'feature file not found: {path} (run '
                        'tools/cache_features.py, or check '
                        "data_prefix['feature'])")
    try:
        with np.load(path) as data:
            return {k: data[k].astype(np.float32) for k in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f'feature file {path} is corrupt ({exc}); delete '
                        'it and rerun tools/cache_features.py') from exc
