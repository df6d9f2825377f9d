"""The Fis-V study's configs (configs/fisv) run a train_step and a test_step
on a batch of variable-length sequences from their own pipelines (the
generic tests/test_configs.py feeds one-clip features)."""
import pickle
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper

from aqa_mm.registry import DATASETS, MODELS
from projects.fisv.plan import CONFIGS, ROOT
from tests.projects.fisv.conftest import LENGTHS

PATHS = sorted(Path(ROOT) / c for c in CONFIGS.values())


def _dataset(loader_cfg, root):
    cfg = loader_cfg.dataset.copy()
    score = 'pcs' if cfg.ann_file.endswith('pcs.pkl') else 'tes'
    cfg.update(ann_file=str(root / f'fisv_{score}.pkl'),
               data_prefix=dict(feature=str(root / 'features')))
    return DATASETS.build(cfg)


def test_the_study_has_four_configs_and_they_exist():
    assert len(PATHS) == 4 and all(p.is_file() for p in PATHS)


@pytest.mark.parametrize('path', PATHS, ids=[p.name for p in PATHS])
def test_fisv_config_steps(path, fisv_root):
    cfg = Config.fromfile(path)
    assert cfg.train_cfg.val_interval == cfg.train_cfg.max_epochs
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    train = _dataset(cfg.train_dataloader, fisv_root)
    test = _dataset(cfg.test_dataloader, fisv_root)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    batch = pseudo_collate([train[i] for i in range(len(train))])
    lengths = [len(x) for x in batch['inputs']['feat_rgb']]
    if cfg.model.temporal_pool is None:        # GDLT: crops of clip_num
        assert lengths == [min(t, cfg.clip_num) for t in LENGTHS[:5]]
    else:                                      # mean → FC: whole programs
        assert lengths == list(LENGTHS[:5])
    losses = model.train_step(batch, optim)
    assert all(torch.isfinite(v) for v in losses.values())
    model.eval()
    out = model.test_step(pseudo_collate([test[i] for i in range(3)]))
    assert len(out) == 3 and all(s.pred_aqa_score.shape == () for s in out)
    ann = pickle.loads(Path(train.ann_file).read_bytes())
    assert ann['metainfo']['classes'] == ['fis-v']
