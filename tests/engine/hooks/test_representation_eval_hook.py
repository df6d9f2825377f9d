"""RepresentationEvalHook in a real mmengine Runner: scalars at the right
epochs in vis_data/scalars.json, and training's random draws unchanged."""
import contextlib
import glob
import json
import random
from pathlib import Path

import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.dataset import BaseDataset, RepeatDataset
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn
from torch.utils.data import Dataset

from aqa_mm.engine.hooks import RepresentationEvalHook
from aqa_mm.engine.hooks import representation_eval_hook as hook_module
from aqa_mm.evaluation import evaluate_representation
from aqa_mm.registry import HOOKS
from tests.engine.conftest import make_runner as toy_runner

ROOT = Path(__file__).resolve().parents[3]


class ToyTrain(BaseDataset):
    """8 samples of ``(x, y)`` with y = 2x, no annotation file."""

    def __init__(self) -> None:
        super().__init__(serialize_data=False)

    def load_data_list(self):
        return [dict(inputs=torch.tensor([i / 8]),
                     target=torch.tensor([i / 4])) for i in range(8)]

    def prepare_data(self, idx: int) -> dict:
        info = self.get_data_info(idx)       # without BaseDataset's sample_idx
        return dict(inputs=info['inputs'], target=info['target'])


class Skeletons(Dataset):
    """Labelled (1, M=1, T=4, V=3, C=2) skeletons of value ≈ class; every
    item also draws from random, numpy and torch, as augmentations do."""

    def __init__(self, n: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.labels = rng.integers(0, 3, n)
        self.x = self.labels[:, None] + 0.3 * rng.normal(size=(n, 24))

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict:
        random.random(), np.random.rand(), torch.rand(())   # RNG side effects
        sample = ActionDataSample()
        sample.set_gt_labels(int(self.labels[i]))
        x = torch.tensor(self.x[i], dtype=torch.float32).view(1, 1, 4, 3, 2)
        return dict(inputs=x, data_samples=sample)


class Encoder(nn.Module):
    """(B, M, T, V, C) -> (B, 4)."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(24, 4)

    def forward_pooled(self, x):
        return self.fc(x.flatten(1))


class ToyModel(BaseModel):
    """Regression with dropout (trains ``fc`` and the encoder); records one
    numpy / torch draw per step."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.backbone = Encoder()
        self.fc = nn.Linear(1, 1)
        self.drop = nn.Dropout(0.5)
        self.draws = []

    def forward(self, inputs, target=None, mode='tensor'):
        pred = self.fc(self.drop(inputs))
        reg = self.backbone.forward_pooled(torch.ones(1, 24)).pow(2).mean()
        if mode == 'loss':
            self.draws.append((float(np.random.rand()),
                               float(torch.rand(()))))
            return dict(loss=((pred - target) ** 2).mean() + 0.1 * reg)
        return pred


def make_runner(work_dir, hooks=(), epochs=3, repeat=False) -> Runner:
    dataset = RepeatDataset(ToyTrain(), times=5) if repeat else ToyTrain()
    return toy_runner(work_dir, epochs=epochs, custom_hooks=list(hooks),
                      model=ToyModel(), dataset=dataset, shuffle=True)


def hook_cfg(**kwargs) -> dict:
    cfg = dict(type='RepresentationEvalHook', train_dataset=Skeletons(30, 0),
               test_dataset=Skeletons(12, 1), k=5, batch_size=8)
    cfg.update(kwargs)
    return cfg


def scalar_records(work_dir):
    (path, ) = glob.glob(str(Path(work_dir) / '*' / 'vis_data' /
                             'scalars.json'))
    with open(path) as f:
        return [r for r in map(json.loads, f) if 'knn/top1' in r]


def test_logs_at_interval_and_last_epoch_with_passes(tmp_path):
    runner = make_runner(tmp_path, [hook_cfg(interval=2)], repeat=True)
    runner.train()
    records = scalar_records(tmp_path)
    assert [r['step'] for r in records] == [2, 3]
    assert [r['passes'] for r in records] == [10, 15]   # epochs x times=5
    assert all(0 <= r['probe/top1'] <= 100 for r in records)
    hook = next(h for h in runner.hooks
                if isinstance(h, RepresentationEvalHook))
    final = evaluate_representation(runner.model.backbone, *hook._loaders,
                                    k=5)
    assert records[-1]['knn/top1'] == final['knn_top1']
    assert records[-1]['probe/top1'] == final['probe_top1']
    (log, ) = glob.glob(str(tmp_path / '*' / '*.log'))
    assert 'representation eval, epoch 3 (15 passes): kNN top-1' in \
        Path(log).read_text()


def test_probe_off_and_no_passes_without_repeat(tmp_path):
    make_runner(tmp_path, [hook_cfg(probe=False)], epochs=2).train()
    records = scalar_records(tmp_path)
    assert [r['step'] for r in records] == [1, 2]
    assert all(set(r) == {'knn/top1', 'step'} for r in records)


def _trained(work_dir, hooks):
    runner = make_runner(work_dir, hooks)
    runner.train()
    return runner.model.draws, runner.model.fc.weight.detach().clone()


def test_training_draws_the_same_with_and_without_the_hook(tmp_path,
                                                           monkeypatch):
    plain = _trained(tmp_path / 'plain', [])
    hooked = _trained(tmp_path / 'hooked', [hook_cfg()])
    assert len(plain[0]) == 12
    assert hooked[0] == plain[0] and torch.equal(hooked[1], plain[1])
    # without the save/restore the evaluation does move the RNGs
    monkeypatch.setattr(hook_module, 'preserved_rng_state',
                        contextlib.nullcontext)
    leaky = _trained(tmp_path / 'leaky', [hook_cfg()])
    assert leaky[0] != plain[0]


def test_preserved_rng_state_restores_every_generator():
    random.seed(1), np.random.seed(1), torch.manual_seed(1)
    with hook_module.preserved_rng_state():
        random.random(), np.random.rand(), torch.rand(3)
    after = random.random(), np.random.rand(), float(torch.rand(()))
    random.seed(1), np.random.seed(1), torch.manual_seed(1)
    assert after == (random.random(), np.random.rand(),
                     float(torch.rand(())))


def test_bad_arguments():
    with pytest.raises(ValueError, match='interval >= 1'):
        RepresentationEvalHook(dict(), dict(), interval=0)


@pytest.mark.parametrize('name', ['nw_ucla_xview_pretrain.py'])
def test_pretrain_configs_keep_runtime_hooks_and_add_the_eval(name):
    runtime = Config.fromfile(ROOT / 'configs/_base_/default_runtime.py')
    cfg = Config.fromfile(ROOT / 'configs/sme_gcn/transfer' / name)
    assert cfg.custom_hooks[:2] == runtime.custom_hooks
    hook = HOOKS.build(cfg.custom_hooks[2])    # datasets are built lazily
    assert isinstance(hook, RepresentationEvalHook) and hook.interval == 1
    train, test = hook.datasets
    assert (train.split, test.split) == ('xview_train', 'xview_val')
    assert train.pipeline == test.pipeline == cfg.test_pipeline
    assert train.ann_file == cfg.train_dataloader.dataset.dataset.ann_file
