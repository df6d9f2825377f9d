"""Run frozen stream backbones once and cache per-sample features."""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.dataset import pseudo_collate
from tqdm import tqdm

from aqa_mm.datasets.feature_cache import feature_filename, save_features


def missing_indices(dataset, out_dir: str) -> List[int]:
    """Indices of samples whose feature file is not in ``out_dir`` yet.

    Args:
        dataset (AQADataset): The split to cache.
        out_dir (str): Cache folder.

    Returns:
        list[int]: Sample indices still to compute (a rerun after a kill
        skips every finished file).
    """
    return [i for i in range(len(dataset))
            if not osp.isfile(osp.join(
                out_dir, feature_filename(
                    dataset.get_data_info(i)['frame_dir'])))]


@torch.no_grad()
def cache_features(model: torch.nn.Module,
                   dataset,
                   out_dir: str,
                   streams: Optional[Sequence[str]] = None,
                   batch_size: int = 8,
                   num_workers: int = 0,
                   progress: bool = True) -> Dict[str, int]:
    """Write one feature file per sample of ``dataset`` into ``out_dir``.

    Uses the model's own data preprocessor and
    :meth:`TwoStreamAssessor.extract_feat`, in eval mode, on the dataset's
    (test) pipeline: the cached features are exactly what the frozen
    end-to-end model computes. Finished files are skipped, each file is
    written atomically.

    Args:
        model (TwoStreamAssessor): With the backbones of ``streams``.
        dataset (AQADataset): Split to cache; its pipeline must pack
            ``imgs`` and/or ``keypoint`` as a dict of inputs.
        out_dir (str): Cache folder (created).
        streams (Sequence[str], optional): Streams to compute. Defaults to
            every stream whose backbone the model has.
        batch_size (int): Samples per forward. Defaults to 8.
        num_workers (int): DataLoader workers. Defaults to 0.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        dict[str, int]: ``written``, ``skipped`` and per-stream channels
        (``channels_<stream>``).
    """
    os.makedirs(out_dir, exist_ok=True)
    if streams is None:
        streams = tuple(model._backbones())
    if not streams:
        raise ValueError('the model has no backbone to cache features from '
                         '(use the end-to-end config, not the cached one)')
    todo = missing_indices(dataset, out_dir)
    stats = dict(written=0, skipped=len(dataset) - len(todo))
    model.eval()
    loader = torch.utils.data.DataLoader(
        torch.utils.data.Subset(dataset, todo), batch_size=batch_size,
        num_workers=num_workers, collate_fn=pseudo_collate)
    bar = tqdm(total=len(todo), desc=f'caching -> {out_dir}', unit='sample',
               disable=not progress)
    for batch in loader:
        data = model.data_preprocessor(batch, False)
        feats = model.extract_feat(data['inputs'], streams=streams)
        for i, sample in enumerate(data['data_samples']):
            arrays = {s: f[i].float().cpu().numpy() for s, f in feats.items()}
            save_features(osp.join(out_dir, feature_filename(
                sample.metainfo['frame_dir'])), arrays)
            stats['written'] += 1
        for s, f in feats.items():
            stats[f'channels_{s}'] = int(f.shape[1])
        bar.update(len(data['data_samples']))
    bar.close()
    return stats


def import_feature_arrays(frame_dirs: Sequence[str],
                          arrays: Dict[str, np.ndarray],
                          out_dir: str) -> int:
    """Cache features computed outside aqa_mm, given as (N, C) per stream.

    Args:
        frame_dirs (Sequence[str]): The N sample ids, in row order.
        arrays (dict[str, ndarray]): Stream name → (N, C) array.
        out_dir (str): Cache folder (created).

    Returns:
        int: Number of files written.
    """
    n = len(frame_dirs)
    for name, arr in arrays.items():
        if arr.ndim != 2 or arr.shape[0] != n:
            raise ValueError(f'features {name!r} must be (N={n}, C) to match '
                             f'the {n} samples, got {arr.shape}')
    os.makedirs(out_dir, exist_ok=True)
    for i, frame_dir in enumerate(frame_dirs):
        save_features(osp.join(out_dir, feature_filename(frame_dir)),
                      {name: arr[i] for name, arr in arrays.items()})
    return n
