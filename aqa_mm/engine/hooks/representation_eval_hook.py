"""RepresentationEvalHook: kNN and linear-probe top-1 of the backbone while
it is being pretrained without labels.

Every ``interval`` epochs (and after the last), the backbone's pooled
features of a labelled reference set and of a test set (both through the
test pipeline) go through :func:`aqa_mm.evaluation.evaluate_representation`.
The numbers are a tracking signal (which epochs learn useful features), not
a result to select an epoch by: the test set is the benchmark's test split.

Determinism: the evaluation builds DataLoader iterators (which draw a base
seed from torch's RNG) and runs pipelines that may use ``np.random``; the
``random`` / numpy / torch (and CUDA) RNG states are saved before and
restored after, so training draws exactly what it would without the hook,
and ``--resume`` and :class:`EpochSeedHook` stay exact.

Distributed training: every rank evaluates the full sets (a sequential,
unsharded loader; NW-UCLA's 1,484 sequences take 60-120 s on one CPU
thread) and only rank 0 logs. No collective is involved, so ranks cannot
deadlock on it, and the ranks' identical backbones give identical numbers.
"""
import random
import time
from contextlib import contextmanager
from typing import Iterator, Optional, Tuple, Union

import numpy as np
import torch
from mmengine.dataset import RepeatDataset, pseudo_collate
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from torch import nn
from torch.utils.data import DataLoader, Dataset

from aqa_mm.evaluation.representation_eval import evaluate_representation
from aqa_mm.models.utils.backbone_weights import backbone_of
from aqa_mm.registry import DATASETS, HOOKS


@contextmanager
def preserved_rng_state() -> Iterator[None]:
    """Restore the ``random``, numpy, torch and CUDA RNG states on exit."""
    cuda = torch.cuda.is_available() and torch.cuda.is_initialized()
    state = (random.getstate(), np.random.get_state(), torch.get_rng_state(),
             torch.cuda.get_rng_state_all() if cuda else None)
    try:
        yield
    finally:
        random.setstate(state[0])
        np.random.set_state(state[1])
        torch.set_rng_state(state[2])
        if state[3] is not None:
            torch.cuda.set_rng_state_all(state[3])


def build_eval_loader(dataset: Union[dict, Dataset], batch_size: int = 32,
                      num_workers: int = 0) -> DataLoader:
    """A sequential loader over the WHOLE dataset (no distributed sampler).

    Args:
        dataset (dict | Dataset): Dataset or its config (built with the
            mmaction2 ``DATASETS`` registry).
        batch_size (int): Samples per batch. Defaults to 32.
        num_workers (int): DataLoader workers. Defaults to 0.

    Returns:
        DataLoader: Batches collated by mmengine's ``pseudo_collate``.
    """
    if isinstance(dataset, dict):
        dataset = DATASETS.build(dataset)
    return DataLoader(dataset, batch_size=batch_size, shuffle=False,
                      num_workers=num_workers, collate_fn=pseudo_collate)


def training_passes(dataset, epochs: int) -> Optional[int]:
    """Passes over the data after ``epochs`` epochs of a RepeatDataset.

    Args:
        dataset (Dataset): The training dataloader's dataset.
        epochs (int): Completed epochs.

    Returns:
        int | None: ``epochs`` times the product of the (nested)
        ``RepeatDataset.times``; None if ``dataset`` is no RepeatDataset.
    """
    if not isinstance(dataset, RepeatDataset):
        return None
    times = 1
    while isinstance(dataset, RepeatDataset):
        times, dataset = times * dataset.times, dataset.dataset
    return epochs * times


@HOOKS.register_module()
class RepresentationEvalHook(Hook):
    """Log kNN and linear-probe top-1 of the backbone every few epochs.

    Scalars ``knn/top1``, ``probe/top1`` (percent) and, for a RepeatDataset
    training set, ``passes`` go to the visualizer (``vis_data/scalars.json``)
    with step = the number of completed epochs (the ``epoch_N.pth`` of the
    same weights), plus one logger line. Runs after the checkpoint is saved
    (priority VERY_LOW), so a failing evaluation loses no checkpoint.

    Args:
        train_dataset (dict | Dataset): Labelled reference set, with the
            TEST pipeline (e.g. the training split, un-augmented).
        test_dataset (dict | Dataset): Evaluation set, test pipeline.
        interval (int): Evaluate every ``interval`` epochs; the last epoch
            is always evaluated. Defaults to 1.
        k (int): kNN neighbours. Defaults to 20.
        temperature (float): kNN vote temperature. Defaults to 0.1.
        batch_size (int): Evaluation batch size. Defaults to 32.
        num_workers (int): DataLoader workers. Defaults to 0.
        probe (bool): Also fit the linear probe on the cached features.
            Defaults to True.
    """

    priority = 'VERY_LOW'

    def __init__(self,
                 train_dataset: Union[dict, Dataset],
                 test_dataset: Union[dict, Dataset],
                 interval: int = 1,
                 k: int = 20,
                 temperature: float = 0.1,
                 batch_size: int = 32,
                 num_workers: int = 0,
                 probe: bool = True) -> None:
        if interval < 1 or batch_size < 1 or num_workers < 0:
            raise ValueError(f'RepresentationEvalHook needs interval >= 1, '
                             f'batch_size >= 1, num_workers >= 0, got '
                             f'{interval}, {batch_size}, {num_workers}')
        self.datasets = (train_dataset, test_dataset)
        self.interval, self.k, self.temperature = interval, k, temperature
        self.batch_size, self.num_workers = batch_size, num_workers
        self.probe = probe
        self._loaders: Optional[Tuple[DataLoader, DataLoader]] = None

    def evaluate(self, model: nn.Module) -> dict:
        """Evaluate the model's backbone (loaders are built on first use).

        Args:
            model (nn.Module): The runner's model, possibly wrapped.

        Returns:
            dict: See :func:`aqa_mm.evaluation.evaluate_representation`.
        """
        if self._loaders is None:
            self._loaders = tuple(
                build_eval_loader(ds, self.batch_size, self.num_workers)
                for ds in self.datasets)
        return evaluate_representation(backbone_of(model)[1], *self._loaders,
                                       k=self.k, temperature=self.temperature,
                                       probe=self.probe)

    def after_train_epoch(self, runner) -> None:
        """Evaluate, log the scalars at step = completed epochs.

        Args:
            runner (mmengine.runner.Runner): The training runner.
        """
        if not (self.every_n_epochs(runner, self.interval)
                or self.is_last_train_epoch(runner)):
            return
        epoch = runner.epoch + 1
        start = time.perf_counter()
        with preserved_rng_state():
            result = self.evaluate(runner.model)
        seconds = time.perf_counter() - start
        scalars = {'knn/top1': result['knn_top1']}
        if 'probe_top1' in result:
            scalars['probe/top1'] = result['probe_top1']
        passes = training_passes(runner.train_dataloader.dataset, epoch)
        if passes is not None:
            scalars['passes'] = passes
        if not is_main_process():
            return
        runner.visualizer.add_scalars(scalars, step=epoch)
        probe = (f', probe top-1 {result["probe_top1"]:.2f} %'
                 if 'probe_top1' in result else '')
        runner.logger.info(
            f'representation eval, epoch {epoch}'
            + (f' ({passes} passes)' if passes is not None else '')
            + f': kNN top-1 {result["knn_top1"]:.2f} % (k={self.k}, '
            f'T={self.temperature}){probe}; {result["num_train"]} reference /'
            f' {result["num_test"]} test samples, {result["feat_dim"]}-d, '
            f'{seconds:.1f} s')
