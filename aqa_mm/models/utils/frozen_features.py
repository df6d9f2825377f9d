"""Features of every sample of a loader from a frozen model: the one loop
behind the representation evaluation (kNN, linear probe) and t-SNE."""
from typing import Callable, Iterable, List, Tuple

import torch
from torch import nn

from aqa_mm.utils.cli import DataError


@torch.no_grad()
def frozen_features(model: nn.Module, loader: Iterable[dict],
                    encode: Callable[[dict], torch.Tensor],
                    name: str = 'frozen_features',
                    progress: bool = False) -> Tuple[torch.Tensor, List]:
    """Run ``encode`` over every batch with ``model`` in eval mode.

    BatchNorm uses its running statistics and dropout is off; every
    module's training flag is restored afterwards, even on error. No
    gradients are recorded.

    Args:
        model (nn.Module): The module whose modes are switched (the
            backbone, or the whole model ``encode`` calls).
        loader (Iterable[dict]): mmaction2-style batches with
            ``data_samples``.
        encode (Callable[[dict], Tensor]): Maps one batch of N samples to
            (N, C) features.
        name (str): Caller's name, for errors and the progress bar.
            Defaults to ``'frozen_features'``.
        progress (bool): Show a tqdm progress bar. Defaults to False.

    Returns:
        tuple[Tensor, list]: Features (N, C) float32 on the CPU and the N
        data samples, in loader order.

    Raises:
        DataError: The loader yielded no sample.
    """
    from tqdm import tqdm
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    feats, samples = [], []
    try:
        for batch in tqdm(loader, desc=name, unit='batch',
                          disable=not progress):
            feats.append(encode(batch).float().cpu())         # [N, C]
            samples.extend(batch['data_samples'])
    finally:
        for module, mode in modes:
            module.training = mode
    if not feats:
        raise DataError(f'{name}: the loader yielded no sample')
    return torch.cat(feats), samples
