"""The Fis-V configs of USDLHead and CoReHead load, build their model and
run one train step and one test step on random clip-feature sequences."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from aqa_mm.registry import MODELS
from tests.models.conftest import score_samples

ROOT = Path(__file__).resolve().parents[3] / 'configs' / 'fisv'
CONFIGS = {
    'usdl_swin-feat_1xb32-100e_fisv-tes.py': ('USDLHead', 'fisv_tes.pkl'),
    'usdl_swin-feat_1xb32-100e_fisv-pcs.py': ('USDLHead', 'fisv_pcs.pkl'),
    'core_swin-feat_1xb32-200e_fisv-tes.py': ('CoReHead', 'fisv_tes.pkl'),
    'core_swin-feat_1xb32-200e_fisv-pcs.py': ('CoReHead', 'fisv_pcs.pkl'),
}


@pytest.mark.parametrize('name', sorted(CONFIGS))
def test_config_loads_builds_and_steps(name):
    cfg = Config.fromfile(ROOT / name)
    head, ann = CONFIGS[name]
    assert cfg.model.head.type == head
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.ann_file.endswith(ann)
    assert cfg.train_cfg.val_interval == cfg.train_cfg.max_epochs
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    batch = dict(inputs=dict(feat_rgb=[torch.randn(t, 1024)
                                       for t in (130, 124, 150)]),
                 data_samples=score_samples([20.0, 30.0, 35.0]))
    model.train()
    losses = model.train_step(batch, optim)
    assert all(torch.isfinite(v) for v in losses.values())
    model.eval()
    out = model.test_step(batch)
    assert all(0 <= s.pred_aqa_score.item() <= 80 for s in out)


def test_core_groups_span_the_largest_difference():
    for name in ('core_swin-feat_1xb32-200e_fisv-tes.py',
                 'core_swin-feat_1xb32-200e_fisv-pcs.py'):
        head = Config.fromfile(ROOT / name).model.head
        bounds = head.group_bounds
        assert len(bounds) == 2 ** (head.depth - 1) // 2 + 1
        assert bounds[0] == 0 and bounds[-1] == head.score_range
        assert list(bounds) == sorted(bounds)
