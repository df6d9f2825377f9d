"""A small synthetic JIGSAWS folder in the official layout, for the
floors: 3 tasks x 16 scored trials (subjects B-E, trials 1-4), shorter trials
scoring higher, and MUSDL-style 4 folds per task."""
import pickle

import numpy as np
import pytest

from aqa_mm.datasets.converters.jigsaws_reader import TASKS


def write_fake_jigsaws(root, seed: int = 0) -> dict:
    """Write ``root/JIGSAWS/...`` and ``root/musdl_splits.pkl``.

    Returns:
        dict[str, float]: GRS per trial.
    """
    rng = np.random.default_rng(seed)
    grs, folds = {}, {}
    for task in TASKS:
        kin_dir = root / 'JIGSAWS' / task / 'kinematics' / 'AllGestures'
        kin_dir.mkdir(parents=True)
        names, meta = [], []
        for i, (subject, trial) in enumerate(
                (s, t) for s in 'BCDE' for t in range(1, 5)):
            name = f'{task}_{subject}{trial:03d}'
            items = rng.integers(1, 6, size=6)
            total = int(items.sum())
            frames = 40 + 4 * (30 - total) + i % 2  # shorter = better
            walk = np.cumsum(rng.normal(scale=0.01, size=(frames, 76)), 0)
            np.savetxt(kin_dir / f'{name}.txt', walk, fmt='%.5f')
            meta.append('\t'.join([name, '', 'NIE'[i % 3], str(total), ''] +
                                  [str(v) for v in items]))
            grs[name] = float(total)
            names.append(name)
        (root / 'JIGSAWS' / task / f'meta_file_{task}.txt').write_text(
            '\n'.join(meta) + '\n')
        folds[task] = [names[k::4] for k in range(4)]
    (root / 'musdl_splits.pkl').write_bytes(pickle.dumps(folds))
    return grs


@pytest.fixture(scope='package')
def fake_jigsaws(tmp_path_factory):
    """Folder with a synthetic ``JIGSAWS/`` and ``musdl_splits.pkl``."""
    root = tmp_path_factory.mktemp('jigsaws')
    write_fake_jigsaws(root)
    return root
