"""A real runner (aqa_mm's AQARunner) around a toy regression model, for the
runner and hook tests."""
import itertools
from typing import List, Optional

import numpy as np
import pytest
import torch
from mmengine.model import BaseModel
from torch.utils.data import Dataset

from aqa_mm.engine import AQARunner

_RUNS = itertools.count()


class ToyData(Dataset):
    """``n`` samples of ``(x, y)`` with y = 2x; sample ``nan_at`` gets NaN."""

    def __init__(self, n: int = 8, nan_at: Optional[int] = None) -> None:
        self.x = torch.arange(n, dtype=torch.float32)[:, None] / n
        self.nan_at = nan_at

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i: int) -> dict:
        x = self.x[i].clone()
        if i == self.nan_at:
            x[:] = float('nan')
        return dict(inputs=x, target=2 * self.x[i])


class ToyModel(BaseModel):
    """Linear regression with dropout; records one np/torch draw per step."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = torch.nn.Linear(1, 1)
        self.drop = torch.nn.Dropout(0.5)
        self.draws: List[tuple] = []

    def forward(self, inputs, target=None, mode='tensor'):
        pred = self.fc(self.drop(inputs))
        if mode == 'loss':
            self.draws.append((float(np.random.rand()),
                               float(torch.rand(()))))
            return dict(loss=((pred - target) ** 2).mean())
        return pred


def make_runner(work_dir, epochs: int = 2, nan_at: Optional[int] = None,
                resume: bool = False, custom_hooks=None,
                model: Optional[BaseModel] = None,
                dataset: Optional[Dataset] = None,
                shuffle: bool = False) -> AQARunner:
    """A CPU AQARunner (batch 2) over :class:`ToyData` (by default).

    Args:
        work_dir (str | Path): Checkpoints and logs.
        epochs (int): ``max_epochs``.
        nan_at (int, optional): Index of the sample whose input is NaN.
        resume (bool): Resume from the latest checkpoint in ``work_dir``.
        custom_hooks (list[dict], optional): The hooks under test.
        model (BaseModel, optional): Defaults to a :class:`ToyModel`.
        dataset (Dataset, optional): Defaults to :class:`ToyData`.
        shuffle (bool): Shuffle the training samples. Defaults to False.

    Returns:
        AQARunner: Ready for ``train()``.
    """
    return AQARunner(
        model=ToyModel() if model is None else model,
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=ToyData(nan_at=nan_at) if dataset is None else dataset,
            batch_size=2, num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=shuffle),
            collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=epochs),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook',
                                           interval=1)),
        custom_hooks=custom_hooks or [], resume=resume,
        randomness=dict(seed=0), default_scope='mmaction',
        experiment_name=f'toy_{next(_RUNS)}')


@pytest.fixture
def runner_factory():
    """:func:`make_runner`."""
    return make_runner
