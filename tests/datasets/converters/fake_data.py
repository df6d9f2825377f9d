"""Tiny fake media for the converter tests: empty video files and small
pose pkls (the format of tools/extract_pose.py) for the REAL sample ids of
the shared AQA-7 / UNLV-Dive split files, and MMFS-63-style lists."""
import pickle
from pathlib import Path
from typing import Iterable, Tuple

import numpy as np

from aqa_mm.datasets.converters import aqa7

AQA7_COUNTS = {  # (train, test) per class, from the official split_4 files
    'diving': (300, 70), 'gym_vault': (120, 56), 'ski_big_air': (120, 55),
    'snowboard_big_air': (140, 66), 'sync_diving_3m': (60, 28),
    'sync_diving_10m': (63, 28)}


def pose_dict(frames: int = 4, persons: int = 1, seed: int = 0) -> dict:
    """A pose pkl's content: keypoint (M, T, 17, 2), keypoint_score
    (M, T, 17)."""
    rng = np.random.default_rng(seed)
    return dict(frame_dir='fake', total_frames=frames, img_shape=(64, 96),
                original_shape=(64, 96),
                keypoint=rng.uniform(0, 64, (persons, frames, 17, 2)),
                keypoint_score=rng.uniform(0, 1, (persons, frames, 17)),
                boxes=np.zeros((persons, frames, 4)))


def write_pose(path: Path, **kwargs) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'wb') as f:
        pickle.dump(pose_dict(**kwargs), f)


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def make_aqa7_media(split_dir: Path, out: Path) -> Tuple[Path, Path]:
    """Fake release root (Actions/<class>/<nnn>.avi) and pose folder
    (<class>/<nnn>.pkl) for every sample of the real split files."""
    root, poses = out / 'AQA-7', out / 'poses'
    rows, _ = aqa7.read_split_rows(str(split_dir))
    for s in aqa7.plan_samples(rows, str(poses)):
        touch(root / s.video)
        write_pose(Path(s.pose_file), frames=3 + int(s.score) % 3)
    return root, poses


def make_unlv_media(out: Path, indices: Iterable[int] = range(1, 371)
                    ) -> Tuple[Path, Path]:
    """Fake UNLV-Dive root (151-frame video folder) and pose folder."""
    root, poses = out / 'UNLV-Dive', out / 'poses'
    for i in indices:
        touch(root / 'diving_samples_len_151_lstm' / f'{i:03d}.avi')
        write_pose(poses / f'{i:03d}.pkl')
    return root, poses


def make_mmfs(out: Path, counts=(('train', 7), ('test', 3)),
              labels: bool = True, channels: int = 3) -> Path:
    """MMFS-63-style lists: {split}_{data,score,name[,label]}.pkl with
    skeletons of shape (T, 17, C, 1)."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for split, n in counts:
        lists = dict(
            data=[rng.normal(size=(int(rng.integers(4, 9)), 17, channels, 1))
                  .astype(np.float32) for _ in range(n)],
            score=[float(v) for v in rng.uniform(0, 12, n)],
            name=[f'{split}/clip_{i:04d}.mp4' for i in range(n)])
        if labels:
            lists['label'] = [i % 3 for i in range(n)]
        for kind, values in lists.items():
            with open(out / f'{split}_{kind}.pkl', 'wb') as f:
                pickle.dump(values, f)
    return out


def make_mtl_aqa_poses(anno_dir: Path, out: Path, skip: Iterable[str] = ()
                       ) -> Path:
    """A pose pkl ``<vv>_<dd>.pkl`` for every dive of the real MTL-AQA
    annotations (except the ids in ``skip``)."""
    from aqa_mm.datasets.converters import mtl_aqa
    poses, skip = out / 'poses', set(skip)
    for key in mtl_aqa.load_annotations(str(anno_dir)):
        if mtl_aqa.sample_id(key) not in skip:
            write_pose(poses / f'{mtl_aqa.sample_id(key)}.pkl')
    return poses
