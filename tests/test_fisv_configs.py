"""Every configs/fisv config runs a train_step and a test_step on a batch
of variable-length sequences from its own pipelines (the generic
tests/test_configs.py feeds one-clip features)."""
import pickle
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper

from aqa_mm.datasets.feature_sequences import (import_feature_sequences,
                                               read_label_file)
from aqa_mm.registry import DATASETS, MODELS
from tests.datasets.fisv_fixture import make_fisv_raw

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = sorted((ROOT / 'configs' / 'fisv').glob('*.py'))
LENGTHS = (130, 3, 126, 9, 140, 2, 7, 128)   # around GDLT's 124-clip crop


@pytest.fixture(scope='module')
def fisv_root(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('fisv')
    raw = make_fisv_raw(tmp / 'raw', channels=1024, lengths=LENGTHS)
    for score in ('TES', 'PCS'):
        import_feature_sequences(
            str(raw['features']),
            {s: read_label_file(str(raw[s]), 'fisv', score)
             for s in ('train', 'test')},
            str(tmp / 'data'), f'fisv_{score.lower()}.pkl')
    return tmp / 'data'


def _dataset(loader_cfg, root):
    cfg = loader_cfg.dataset.copy()
    score = 'pcs' if cfg.ann_file.endswith('pcs.pkl') else 'tes'
    cfg.update(ann_file=str(root / f'fisv_{score}.pkl'),
               data_prefix=dict(feature=str(root / 'features')))
    return DATASETS.build(cfg)


def test_there_are_four_configs():
    assert len(CONFIGS) == 4


@pytest.mark.parametrize('path', CONFIGS, ids=[p.name for p in CONFIGS])
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
