"""Build the whole SYNTHETIC AQA dataset on disk.

Layout of ``out_dir``::

    videos/<sample_id>.mp4   RGB rendering (unless write_video=False)
    poses/<sample_id>.pkl    per-video pose file
    synthetic_aqa.pkl        annotation file (written after all media)
    README.md                what this SYNTHETIC set is and how it was made
"""
import os
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

import numpy as np

from aqa_mm.utils.io import atomic_pickle_dump, atomic_write_text
from .performance import (CLASS_NAMES, MIN_FRAMES, MIN_IMG_SIZE, Performance,
                          generate_performance, limb_width_px, pose_record)
from .readme import readme_text, score_ranges
from .render import render_frames, write_video

ANNOTATION_FILE = 'synthetic_aqa.pkl'
DATASET_NAME = 'synthetic_aqa'


def check_build_args(seed: int, num_per_class: int, frames: int,
                     img_size: int, test_ratio: float, fps: int,
                     workers: int) -> None:
    """Raise ValueError naming the first invalid argument.

    Args:
        seed (int): >= 0.
        num_per_class (int): >= 1.
        frames (int): >= 8.
        img_size (int): >= 32.
        test_ratio (float): In [0, 1).
        fps (int): >= 1.
        workers (int): >= 1.
    """
    def is_int(v: object) -> bool:
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool)

    checks = (
        ('seed', seed, is_int(seed) and seed >= 0, 'an int >= 0'),
        ('num_per_class', num_per_class,
         is_int(num_per_class) and num_per_class >= 1, 'an int >= 1'),
        ('frames', frames, is_int(frames) and frames >= MIN_FRAMES,
         f'an int >= {MIN_FRAMES}'),
        ('img_size', img_size, is_int(img_size) and img_size >= MIN_IMG_SIZE,
         f'an int >= {MIN_IMG_SIZE}'),
        ('test_ratio', test_ratio, isinstance(test_ratio, (int, float))
         and 0.0 <= test_ratio < 1.0, 'a number in [0, 1)'),
        ('fps', fps, is_int(fps) and fps >= 1, 'an int >= 1'),
        ('workers', workers, is_int(workers) and workers >= 1, 'an int >= 1'))
    for name, value, ok, rule in checks:
        if not ok:
            raise ValueError(f'{name} must be {rule}, got {value!r}')


def stratified_split(class_ids: Sequence[int], sample_ids: Sequence[str],
                     test_ratio: float, seed: int) -> Dict[str, List[str]]:
    """Deterministic per-class train/test split.

    Each class with at least two samples gets ``round(n * test_ratio)``
    test samples, at least one when ``test_ratio > 0`` and at most ``n - 1``.

    Args:
        class_ids (Sequence[int]): (N,) class of every sample.
        sample_ids (Sequence[str]): (N,) unique sample ids.
        test_ratio (float): Fraction of each class in the test split.
        seed (int): Seed of the split permutation.

    Returns:
        Dict[str, List[str]]: ``train`` and ``test`` ids in input order.
    """
    rng = np.random.default_rng(seed)
    class_ids = np.asarray(class_ids)
    is_test = np.zeros(len(sample_ids), dtype=bool)
    for c in np.unique(class_ids):
        members = np.flatnonzero(class_ids == c)
        n = members.size
        n_test = int(round(n * test_ratio))
        if test_ratio > 0 and n >= 2:
            n_test = min(max(n_test, 1), n - 1)
        is_test[members[rng.permutation(n)[:n_test]]] = True
    return dict(train=[s for s, t in zip(sample_ids, is_test) if not t],
                test=[s for s, t in zip(sample_ids, is_test) if t])


def annotation_record(perf: Performance, with_video: bool) -> Dict:
    """Annotation entry of one sample.

    Args:
        perf (Performance): A generated sample.
        with_video (bool): Whether its mp4 is written.

    Returns:
        dict: mmaction2 skeleton annotation extended for AQA (``score``,
        ``class_id``, ``class_name``, ``difficulty``, ``video``,
        ``pose_file``, ``errors``).
    """
    rec = pose_record(perf)
    rec.pop('boxes')
    rec.update(score=float(perf.score), class_id=int(perf.class_id),
               class_name=perf.class_name, difficulty=perf.difficulty,
               video=f'videos/{perf.sample_id}.mp4' if with_video else None,
               pose_file=f'poses/{perf.sample_id}.pkl',
               errors=dict(perf.errors))
    return rec


def _make_sample(class_id: int, index: int, seed: int, frames: int,
                 img_size: int, out_dir: str, with_video: bool,
                 fps: int) -> Dict:
    """Generate one sample, write its pose file and mp4; return its record."""
    perf = generate_performance(class_id, index, seed, frames, img_size)
    out = Path(out_dir)
    atomic_pickle_dump(pose_record(perf),
                       out / 'poses' / f'{perf.sample_id}.pkl')
    if with_video:
        video = render_frames(perf.pixels, perf.props, perf.style, img_size,
                              limb_width_px(perf),
                              perf.body.head_radius * perf.scale)
        write_video(video, out / 'videos' / f'{perf.sample_id}.mp4', fps)
    return annotation_record(perf, with_video)


def build_dataset(out_dir: Union[str, os.PathLike] = 'data/synthetic',
                  seed: int = 0, num_per_class: int = 60, frames: int = 64,
                  img_size: int = 128, write_video: bool = True,
                  test_ratio: float = 0.25, fps: int = 25,
                  workers: int = 1) -> Dict:
    """Generate and write the SYNTHETIC dataset.

    Args:
        out_dir (str | PathLike): Output folder. Defaults to
            ``'data/synthetic'``.
        seed (int): Dataset seed. Defaults to 0.
        num_per_class (int): Samples per class. Defaults to 60.
        frames (int): Frames per sample. Defaults to 64.
        img_size (int): Square frame side in pixels. Defaults to 128.
        write_video (bool): Render the mp4 files. Defaults to True.
        test_ratio (float): Test fraction per class. Defaults to 0.25.
        fps (int): Video frame rate. Defaults to 25.
        workers (int): Processes generating and writing samples.
            Defaults to 1.

    Returns:
        dict: Summary with ``out_dir``, ``num_samples``, ``num_train``,
        ``num_test``, ``num_classes`` and ``seconds``.
    """
    check_build_args(seed, num_per_class, frames, img_size, test_ratio, fps,
                     workers)
    start = time.perf_counter()
    out = Path(out_dir)
    jobs = [(c, i) for c in range(len(CLASS_NAMES))
            for i in range(num_per_class)]
    args = [[c for c, _ in jobs], [i for _, i in jobs]] + [
        [v] * len(jobs) for v in (seed, frames, img_size, str(out),
                                  write_video, fps)]
    if workers > 1:
        with ProcessPoolExecutor(min(workers, len(jobs))) as pool:
            records = list(pool.map(_make_sample, *args, chunksize=4))
    else:
        records = list(map(_make_sample, *args))
    # canonical object sharing: the file is byte-identical for any `workers`
    records = [pickle.loads(pickle.dumps(r, pickle.HIGHEST_PROTOCOL))
               for r in records]
    annotation = dict(
        split=stratified_split([r['class_id'] for r in records],
                               [r['frame_dir'] for r in records],
                               test_ratio, seed),
        annotations=records,
        metainfo=dict(dataset_name=DATASET_NAME, synthetic=True,
                      classes=list(CLASS_NAMES), keypoint_layout='coco',
                      score_ranges=score_ranges(), seed=int(seed),
                      fps=int(fps)))
    atomic_pickle_dump(annotation, out / ANNOTATION_FILE)
    atomic_write_text(readme_text(annotation, frames, img_size, write_video),
                      out / 'README.md')
    return dict(out_dir=str(out), num_samples=len(records),
                num_train=len(annotation['split']['train']),
                num_test=len(annotation['split']['test']),
                num_classes=len(CLASS_NAMES),
                seconds=time.perf_counter() - start)


def load_annotation(out_dir: Union[str, os.PathLike]) -> Optional[Dict]:
    """Read a generated annotation file back (None when absent).

    Args:
        out_dir (str | PathLike): Folder given to :func:`build_dataset`.

    Returns:
        dict | None: The annotation dict.
    """
    path = Path(out_dir) / ANNOTATION_FILE
    if not path.exists():
        return None
    with open(path, 'rb') as f:
        return pickle.load(f)
