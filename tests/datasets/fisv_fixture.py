"""A tiny Fis-V-format set: ``<id>.npy`` (T_i, C) clip features and
``train.txt`` / ``test.txt`` lines ``id TES PCS x``, as GDLT released it."""
from pathlib import Path
from typing import Dict, Sequence

import numpy as np

#: T_i of the fixture's samples: shorter and longer than a crop of 6.
LENGTHS = (4, 9, 6, 12, 7, 5, 10, 8)


def make_fisv_raw(root: Path, channels: int = 16,
                  lengths: Sequence[int] = LENGTHS,
                  num_test: int = 3, seed: int = 0) -> Dict[str, Path]:
    """Write the raw files; the scores grow with the features' mean.

    Args:
        root (Path): Folder to write to (created).
        channels (int): C. Defaults to 16.
        lengths (Sequence[int]): T_i per sample; ids are 1, 2, ...
        num_test (int): The last ``num_test`` samples are the test split.
        seed (int): Random seed. Defaults to 0.

    Returns:
        dict[str, Path]: ``features`` (folder), ``train``, ``test`` (files).
    """
    rng = np.random.default_rng(seed)
    feats = root / 'swintx_avg_fps25_clip32'
    feats.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, t in enumerate(lengths, 1):
        level = rng.uniform(0, 1)
        arr = (rng.normal(size=(t, channels)) + level).astype(np.float32)
        np.save(feats / f'{i}.npy', arr)
        lines.append(f'{i} {20 + 20 * level:.2f} {15 + 10 * level:.2f} '
                     f'{i % 2}')
    split = len(lines) - num_test
    (root / 'train.txt').write_text('\n'.join(lines[:split]) + '\n')
    (root / 'test.txt').write_text('\n'.join(lines[split:]) + '\n')
    return dict(features=feats, train=root / 'train.txt',
                test=root / 'test.txt')
