"""Every config loads, builds its model, and runs one train_step and one
test_step on CPU with a batch from its own test pipeline."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper

from aqa_mm.registry import DATASETS, MODELS

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted(p for p in (ROOT / 'configs').rglob('*.py')
                 if '_base_' not in p.parts)


def test_there_are_configs():
    assert CONFIGS


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[str(p.relative_to(ROOT)) for p in CONFIGS])
def test_config_builds_and_steps(path, tiny_ann):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmaction'
    assert 'aqa_mm' in cfg.custom_imports['imports']
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    ds_cfg = cfg.test_dataloader.dataset.copy()
    ds_cfg.update(ann_file=tiny_ann)
    dataset = DATASETS.build(ds_cfg)
    batch = pseudo_collate([dataset[i] for i in range(2)])
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    losses = model.train_step(batch, optim)
    assert losses and all(k.startswith('loss') for k in losses)
    assert all(torch.isfinite(v) for v in losses.values())
    model.eval()
    out = model.test_step(batch)
    assert len(out) == 2 and 'pred_aqa_score' in out[0]
