"""Is a prediction trustworthy? Out-of-domain checks for one scored sample.

A model only knows the performances it was trained on. Three signs that a
score should not be taken at face value, each turned into a one-line
warning by :func:`domain_warnings`:

* the model was trained on the built-in **synthetic** set (its annotation
  file says ``metainfo['synthetic']``) and is applied to anything else;
* the predicted score lies **outside the training score range** (per class
  when the class is known, else pooled over the training classes; the
  normalised target range for a per-class-normalising config scored
  without a class), beyond a tolerance of a fraction of that range;
* the skeleton has **too few confident joints**: in less than
  ``min_good_frames`` of the frames at least ``min_joints`` of the joints
  have a keypoint score of at least ``kpt_thr``.

The training facts come from the config's training annotation file
(:func:`training_profile`), read once per file version.
"""
import os
import os.path as osp
import pickle
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from mmengine.config import Config

from aqa_mm.datasets.score_normalization import split_score_ranges
from aqa_mm.utils.cli import DataError

__all__ = ['training_profile', 'domain_warnings', 'skeleton_coverage']

Range = Tuple[float, float]


def _train_dataset_cfg(cfg: Config) -> Optional[dict]:
    """The innermost dataset config of ``train_dataloader`` (wrappers such
    as ``RepeatDataset`` unwrapped), or None."""
    dataset = (cfg.get('train_dataloader') or {}).get('dataset')
    while isinstance(dataset, dict) and 'ann_file' not in dataset \
            and isinstance(dataset.get('dataset'), dict):
        dataset = dataset['dataset']
    return dataset if isinstance(dataset, dict) else None


@lru_cache(maxsize=8)
def _read_profile(path: str, split: str, mtime_ns: int,
                  size: int) -> Tuple[bool, str, Tuple[Tuple[int, Range],
                                                        ...]]:
    """(synthetic, dataset name, ranges) of one annotation file version."""
    try:
        with open(path, 'rb') as f:
            annotation = pickle.load(f)  # a file this project wrote
    except (pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise DataError(f'{path}: not a readable annotation pickle '
                        f'({exc})') from exc
    meta = annotation.get('metainfo', {}) if isinstance(annotation,
                                                        dict) else {}
    try:
        ranges = split_score_ranges(annotation, split)
    except DataError as exc:
        raise DataError(f'{path}: {exc}') from exc
    return (bool(meta.get('synthetic', False)),
            str(meta.get('dataset_name', '')), tuple(ranges.items()))


def training_profile(cfg: Config) -> Optional[Dict[str, Any]]:
    """What a config's model saw in training: data set and score ranges.

    Args:
        cfg (Config): A training config (``model.cfg`` of
            :func:`aqa_mm.apis.init_aqa_model`).

    Returns:
        dict | None: ``ann_file`` (str), ``synthetic`` (bool),
        ``dataset_name`` (str) and ``ranges`` (dict: class id → (min, max)
        of the training split's scores); None when the training annotation
        file is not named or does not exist (nothing to compare with).

    Raises:
        DataError: The file exists but cannot be read (named).
    """
    dataset = _train_dataset_cfg(cfg)
    if dataset is None or not dataset.get('ann_file'):
        return None
    ann_file = str(dataset['ann_file'])
    root = dataset.get('data_root')
    if root and not osp.isabs(ann_file) and not osp.isfile(ann_file):
        ann_file = osp.join(root, ann_file)
    if not osp.isfile(ann_file):
        return None
    stat = os.stat(ann_file)
    synthetic, name, ranges = _read_profile(
        osp.abspath(ann_file), str(dataset.get('split', 'train')),
        stat.st_mtime_ns, stat.st_size)
    return dict(ann_file=ann_file, synthetic=synthetic, dataset_name=name,
                ranges=dict(ranges))


def skeleton_coverage(keypoint_score: np.ndarray, kpt_thr: float = 0.3,
                      min_joints: float = 0.5) -> float:
    """Fraction of frames whose athlete has enough confident joints.

    Args:
        keypoint_score (np.ndarray): (M, T, V) or (T, V) keypoint scores;
            the first person is the athlete.
        kpt_thr (float): A joint is confident at this score or above.
            Defaults to 0.3.
        min_joints (float): Fraction of the V joints a good frame needs.
            Defaults to 0.5.

    Returns:
        float: In [0, 1]; 0 for an empty sequence.
    """
    scores = np.asarray(keypoint_score, dtype=np.float64)
    if scores.ndim == 3:
        scores = scores[0]                                   # [T, V]
    if scores.ndim != 2 or scores.shape[0] == 0:
        return 0.0
    confident = (scores >= kpt_thr).mean(axis=1)            # [T]
    return float((confident >= min_joints).mean())


def _range_check(result: Dict[str, Any], profile: Dict[str, Any],
                 class_id: Optional[int], tolerance: float) -> List[str]:
    score, scale = float(result['score']), result.get('score_scale',
                                                        'judges')
    if scale != 'judges':   # 'normalized [lo, hi]'
        lo, hi = (float(v) for v in scale[scale.index('[') + 1:
                                          scale.index(']')].split(','))
        where = f'the normalised range [{lo:g}, {hi:g}]'
    elif class_id is not None and int(class_id) in profile['ranges']:
        lo, hi = profile['ranges'][int(class_id)]
        where = f'class {int(class_id)}\'s training scores [{lo:g}, {hi:g}]'
    else:
        lo = min(r[0] for r in profile['ranges'].values())
        hi = max(r[1] for r in profile['ranges'].values())
        where = f'the training scores [{lo:g}, {hi:g}]'
    slack = tolerance * (hi - lo)
    if lo - slack <= score <= hi + slack:
        return []
    return [f'predicted score {score:.2f} is outside {where} '
            f'({profile["ann_file"]}): the model is extrapolating, do not '
            'read it as a judgement']


def domain_warnings(result: Dict[str, Any],
                    profile: Optional[Dict[str, Any]] = None,
                    keypoint_score: Optional[np.ndarray] = None,
                    class_id: Optional[int] = None,
                    applied_to_synthetic: bool = False,
                    kpt_thr: float = 0.3, min_joints: float = 0.5,
                    min_good_frames: float = 0.5,
                    tolerance: float = 0.05) -> List[str]:
    """One-line warnings about a result of :func:`inference_aqa`.

    Args:
        result (dict): From :func:`aqa_mm.apis.inference_aqa` (``score``,
            ``score_scale``).
        profile (dict, optional): From :func:`training_profile`; None skips
            the data-set and score-range checks.
        keypoint_score (np.ndarray, optional): (M, T, V) scores of the
            skeleton the model saw; None skips the skeleton check (RGB-only
            models).
        class_id (int, optional): The sample's class, for the per-class
            range. Defaults to None (pooled range).
        applied_to_synthetic (bool): The sample itself is synthetic (no
            domain warning then). Defaults to False.
        kpt_thr (float): Confident-joint score. Defaults to 0.3.
        min_joints (float): Fraction of joints a good frame needs.
            Defaults to 0.5.
        min_good_frames (float): Fraction of good frames below which the
            skeleton is flagged. Defaults to 0.5.
        tolerance (float): Allowed excess beyond the range, as a fraction
            of its width. Defaults to 0.05.

    Returns:
        list[str]: Empty when nothing looks wrong.
    """
    warnings: List[str] = []
    if profile is not None:
        if profile['synthetic'] and not applied_to_synthetic:
            warnings.append(
                f'the model was trained on the built-in SYNTHETIC set '
                f'({profile["ann_file"]}): a real video is outside its '
                'domain, so its score is a pipeline check, not a judgement')
        warnings += _range_check(result, profile, class_id, tolerance)
    if keypoint_score is not None:
        coverage = skeleton_coverage(keypoint_score, kpt_thr, min_joints)
        if coverage < min_good_frames:
            num_joints = np.asarray(keypoint_score).shape[-1]
            warnings.append(
                f'only {coverage:.0%} of the frames have at least '
                f'{int(np.ceil(min_joints * num_joints))} of '
                f'{num_joints} joints with score >= {kpt_thr:g}: the '
                'skeleton stream saw too little of the athlete')
    return warnings
