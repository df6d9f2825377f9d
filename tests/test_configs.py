"""Every config loads, builds its model, and runs one train_step and one
test_step on CPU with a batch from its own pipeline.

Configs that initialise from a pretraining checkpoint (``StrictPretrained``)
get a checkpoint made here from the same architecture, so the loading path
with its prefix is exercised too."""
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper

from aqa_mm.datasets.feature_cache import feature_filename, save_features
from aqa_mm.registry import DATASETS, MODELS
from tests.conftest import make_annotations

ROOT = Path(__file__).resolve().parents[1]
# configs/sme_gcn/transfer/ holds classification configs (NTU-60: 25 joints,
# 2 persons; NW-UCLA: 20 joints, 3D) that the 17-joint AQA annotations of
# make_annotations cannot feed; tests/test_transfer_configs.py covers them.
TRANSFER = ROOT / 'configs' / 'sme_gcn' / 'transfer'
CONFIGS = sorted(p for p in (ROOT / 'configs').rglob('*.py')
                 if '_base_' not in p.parts and TRANSFER not in p.parents)


def test_there_are_configs():
    assert CONFIGS


def _pretrained_checkpoints(node, tmp_path):
    """Replace StrictPretrained checkpoints with one saved from an equal
    architecture under the same prefix."""
    if isinstance(node, dict):
        init = node.get('init_cfg')
        if isinstance(init, dict) and init.get('type') == 'StrictPretrained':
            module_cfg = {k: v for k, v in node.items() if k != 'init_cfg'}
            module = MODELS.build(module_cfg)
            prefix = init.get('prefix') or ''
            path = tmp_path / f'pretrained_{len(list(tmp_path.iterdir()))}.pth'
            torch.save(dict(state_dict={prefix + k: v for k, v in
                                        module.state_dict().items()}), path)
            init['checkpoint'] = str(path)
        for value in node.values():
            _pretrained_checkpoints(value, tmp_path)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _pretrained_checkpoints(value, tmp_path)


@pytest.fixture(scope='module')
def tiny_video_set(tmp_path_factory):
    """A tiny built-in synthetic set with videos, for RGB configs."""
    from aqa_mm.datasets.synthetic.builder import build_dataset
    out = tmp_path_factory.mktemp('syn_rgb')
    build_dataset(str(out), seed=1, num_per_class=2, frames=16, img_size=64,
                  workers=1)
    return out


def _shrink_rgb_pipeline(pipeline):
    """One 8-frame clip at 56 px, so heavy RGB configs run in seconds."""
    for step in pipeline:
        if step['type'] == 'StreamPipeline':
            _shrink_rgb_pipeline(step['transforms'])
        elif step['type'] == 'DecordClips':
            step.update(clip_len=8, num_clips=1, clip_stride=None)
        elif step['type'] == 'Resize':
            step.update(scale=(64, 64), keep_ratio=False)
        elif step['type'] in ('CenterCrop', 'ThreeCrop', 'TenCrop'):
            step.update(crop_size=56)
        elif step['type'] in ('RandomCrop', 'RandomResizedCrop'):
            step.update(size=56)


def _write_feature_cache(ann, head_cfg, out_dir):
    """Random cached features for every sample, sized for the head."""
    channels = head_cfg.get('channels') or dict(
        skeleton=head_cfg.get('skeleton_channels', 256),
        rgb=head_cfg.get('rgb_channels', 1024))
    rng = np.random.default_rng(0)
    annos = pickle.loads(ann.read_bytes())['annotations']
    for a in annos:
        save_features(str(out_dir / feature_filename(a['frame_dir'])),
                      {s: rng.normal(size=c) for s, c in channels.items()})
    (out_dir / 'prefs.pkl').write_bytes(pickle.dumps(
        {a['frame_dir']: i % 2 for i, a in enumerate(annos)}))


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[str(p.relative_to(ROOT)) for p in CONFIGS])
def test_config_builds_and_steps(path, tmp_path, tiny_video_set):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmaction'
    assert 'aqa_mm' in cfg.custom_imports['imports']
    frames = cfg.get('clip_len', 20)
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(pickle.dumps(
        make_annotations(num_train=4, num_test=2, frames=frames)))
    ckpt_dir = tmp_path / 'ckpt'
    ckpt_dir.mkdir()
    _pretrained_checkpoints(cfg.model, ckpt_dir)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    loader = cfg.test_dataloader or cfg.train_dataloader
    ds_cfg = loader.dataset.copy()
    ds_cfg.update(ann_file=str(ann))
    ds_cfg.pop('data_prefix', None)
    ds_cfg.pop('class_ids', None)
    if 'RGB' in ds_cfg.get('modality', 'Pose'):
        ds_cfg.update(ann_file=str(tiny_video_set / 'synthetic_aqa.pkl'),
                      data_prefix=dict(video=str(tiny_video_set)))
        _shrink_rgb_pipeline(ds_cfg.pipeline)
    if ds_cfg.get('modality') == 'Feature':
        _write_feature_cache(ann, cfg.model.head, tmp_path / 'feats')
        ds_cfg.update(data_prefix=dict(feature=str(tmp_path / 'feats')))
        if cfg.model.head.get('preference') == 'given':  # train with labels
            ds_cfg = cfg.train_dataloader.dataset.copy()
            if ds_cfg.type == 'SubsetDataset':  # the safe fallback's fold
                ds_cfg = ds_cfg.dataset.copy()
            ds_cfg.update(ann_file=str(ann), split='test',
                          data_prefix=dict(feature=str(tmp_path / 'feats')))
            for step in ds_cfg.pipeline:
                if step.get('preference_file'):
                    step['preference_file'] = str(tmp_path / 'feats' /
                                                  'prefs.pkl')
    dataset = DATASETS.build(ds_cfg)
    batch = pseudo_collate([dataset[i] for i in range(2)])
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    losses = model.train_step(batch, optim)
    assert losses and all(k.startswith(('loss', 'acc_')) for k in losses)
    assert all(torch.isfinite(v) for v in losses.values())
    model.eval()
    out = model.test_step(batch)
    assert len(out) == 2
    if cfg.test_dataloader is not None:
        assert 'pred_aqa_score' in out[0]
