"""Shared fixtures: a tiny annotation file and the real-data folder."""
import os
import pickle
import socket
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def make_annotations(num_train: int = 12, num_test: int = 6, frames: int = 20,
                     num_joints: int = 17, seed: int = 0) -> dict:
    """A small random annotation dict in the AQADataset format.

    Two classes with very different score ranges (10-20 and 50-100), like
    the real AQA-7 classes.
    """
    rng = np.random.default_rng(seed)
    annos, names = [], []
    for i in range(num_train + num_test):
        cls = i % 2
        lo, hi = ((10.0, 20.0), (50.0, 100.0))[cls]
        kp = rng.normal(64, 10, size=(1, frames, num_joints, 2))
        annos.append(dict(
            frame_dir=f'sample_{i:03d}', total_frames=frames,
            img_shape=(128, 128), original_shape=(128, 128),
            keypoint=kp.astype(np.float32),
            keypoint_score=np.ones((1, frames, num_joints), np.float32),
            score=float(rng.uniform(lo, hi)), class_id=cls,
            class_name=('vault', 'dive')[cls], difficulty=None))
        names.append(f'sample_{i:03d}')
    return dict(split=dict(train=names[:num_train], test=names[num_train:]),
                annotations=annos)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for gloo)."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture
def tiny_ann(tmp_path) -> str:
    """Path to a tiny annotation pickle (12 train / 6 test, T=20)."""
    path = tmp_path / 'tiny_aqa.pkl'
    with open(path, 'wb') as f:
        pickle.dump(make_annotations(), f)
    return str(path)


@pytest.fixture(scope='session')
def real_data_dir() -> Path:
    """The real test data: ``AQA_DATA_DIR``, by default the ``shared/data``
    folder beside the repository (where the CI keeps it).

    Fails, never skips, when it is missing: a skip would let the CI stop
    checking the real-data paths without anyone noticing.
    """
    path = Path(os.environ.get('AQA_DATA_DIR')
                or ROOT.parent / 'shared' / 'data')
    if not (path / 'aqa7' / 'split_4_train_list.mat').is_file():
        pytest.fail(f'real data not found at {path}: set AQA_DATA_DIR to the '
                    'folder holding aqa7/, unlv_dive/ and videos/')
    return path


@pytest.fixture(scope='session', autouse=True)
def _registered():
    """Register mmaction2 + aqa_mm components under the 'mmaction' scope."""
    from aqa_mm.utils import register_all_modules
    register_all_modules()


def skeleton_pipeline(*extra, clip_len: int = 16) -> list:
    """mmaction2's skeleton test pipeline (COCO joints, one person) with
    ``extra`` transforms before ``FormatGCNInput``."""
    return [
        dict(type='PreNormalize2D'),
        dict(type='GenSkeFeat', dataset='coco', feats=['j']),
        dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
             test_mode=True),
        dict(type='PoseDecode'), *extra,
        dict(type='FormatGCNInput', num_person=1)]


def rgb_pipeline(scale: int, crop: int) -> list:
    """Two 8-frame clips resized to ``scale`` x ``scale``, centre-cropped
    to ``crop``, as (C, T, H, W) clips."""
    return [
        dict(type='DecordClips', clip_len=8, num_clips=2),
        dict(type='Resize', scale=(scale, scale), keep_ratio=False),
        dict(type='CenterCrop', crop_size=crop),
        dict(type='FormatShape', input_format='NCTHW')]


def two_stream_pipeline(skeleton: list, rgb: list) -> list:
    """The two streams' pipelines side by side, packed as ``imgs`` and
    ``keypoint``."""
    return [
        dict(type='StreamPipeline', keys=('keypoint', ), hide_keys=('imgs', ),
             transforms=skeleton),
        dict(type='StreamPipeline', keys=('imgs', ),
             hide_keys=('keypoint', 'keypoint_score'), transforms=rgb),
        dict(type='PackAQAInputs', collect_keys=('imgs', 'keypoint'))]


def build_small_synthetic(root: Path, seed: int, num_per_class: int) -> Path:
    """Build the synthetic AQA set (16 frames of 64 x 64 per video) in
    ``root`` and return ``root``."""
    from aqa_mm.datasets.synthetic.builder import build_dataset
    build_dataset(str(root), seed=seed, num_per_class=num_per_class,
                  frames=16, img_size=64, workers=1)
    return root
