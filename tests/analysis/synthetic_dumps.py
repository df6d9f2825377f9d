"""Synthetic ``tools/test.py --dump`` records for the analysis tests."""
import pickle
from pathlib import Path
from typing import List

import numpy as np

CLASSES = ('vault', 'dive', 'jump')


def two_stream_records(per_class: int = 8, seed: int = 0) -> List[dict]:
    """A 2M-AF dump: each stream is noisy, the selector is right ~75 %.

    The skeleton stream is good on 'vault', RGB on 'dive'; the final score
    is the chosen stream's score, as PFM's hard selection gives.
    """
    rng = np.random.default_rng(seed)
    records = []
    for cid, name in enumerate(CLASSES):
        skel_noise, rgb_noise = [(1.0, 6.0), (6.0, 1.0), (3.0, 3.0)][cid]
        for i in range(per_class):
            gt = float(rng.uniform(20, 80))
            skel = gt + rng.normal(0, skel_noise)
            rgb = gt + rng.normal(0, rgb_noise)
            better = int(abs(skel - gt) > abs(rgb - gt))
            stream = better if rng.random() < 0.75 else 1 - better
            records.append(dict(
                frame_dir=f'{name}_{i:03d}', class_name=name, class_id=cid,
                gt_score=gt, pred_score_skeleton=float(skel),
                pred_score_rgb=float(rgb), pred_stream=stream,
                pred_prob_rgb=float(0.8 if stream else 0.2),
                pred_aqa_score=float(rgb if stream else skel)))
    return records


def single_stream_records(per_class: int = 8, seed: int = 0) -> List[dict]:
    """A single-stream dump (only ``pred_aqa_score``)."""
    keep = ('frame_dir', 'class_name', 'class_id', 'gt_score')
    return [dict({k: r[k] for k in keep},
                 pred_aqa_score=r['pred_score_skeleton'])
            for r in two_stream_records(per_class, seed)]


def write(records: List[dict], path: Path) -> str:
    """Pickle ``records`` to ``path``; return it as str."""
    path.write_bytes(pickle.dumps(records))
    return str(path)
