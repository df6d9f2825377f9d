"""TwoStreamAssessor (2M-AF): raw and cached paths, freezing, checkpoints."""
import copy

import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper

from aqa_mm.datasets.feature_caching import cache_features
from aqa_mm.registry import DATASETS, MODELS
from tests.conftest import (build_small_synthetic, rgb_pipeline,
                            skeleton_pipeline, two_stream_pipeline)

SKELETON = dict(type='SMEGCN', graph_cfg=dict(layout='coco', mode='spatial'),
                in_channels=3, num_person=1, base_channels=16,
                out_channels=32)
MODEL = dict(type='TwoStreamAssessor', skeleton_backbone=SKELETON,
             rgb_backbone=dict(type='I3D', num_classes=None),
             head=dict(type='PFMHead', skeleton_channels=32,
                       rgb_channels=1024, score_mean=40, score_std=20))
SKELETON_PIPE = skeleton_pipeline(
    dict(type='TemporalMask', mask_ratio=0.0, center_joint=8))
RGB_PIPE = rgb_pipeline(64, 56)
RAW_PIPE = two_stream_pipeline(SKELETON_PIPE, RGB_PIPE)
CACHED_PIPE = [
    dict(type='LoadAQAFeatures'),
    dict(type='PackAQAInputs', collect_keys=('feat_skeleton', 'feat_rgb'))]


@pytest.fixture(scope='module')
def video_set(tmp_path_factory):
    return build_small_synthetic(tmp_path_factory.mktemp('two_stream'),
                                 seed=2, num_per_class=2)


def raw_dataset(root, split='test'):
    return DATASETS.build(dict(
        type='AQADataset', ann_file=str(root / 'synthetic_aqa.pkl'),
        split=split, modality='RGBPose', data_prefix=dict(video=str(root)),
        pipeline=copy.deepcopy(RAW_PIPE), test_mode=True))


def build(cfg=MODEL, **kwargs):
    torch.manual_seed(0)
    model = MODELS.build(dict(copy.deepcopy(cfg), **kwargs))
    model.init_weights()
    return model


def test_raw_forward_shapes_and_predict_fields(video_set):
    model = build().eval()
    batch = pseudo_collate([raw_dataset(video_set)[i] for i in range(2)])
    data = model.data_preprocessor(batch, False)
    assert data['inputs']['imgs'].shape == (2, 2, 3, 8, 56, 56)
    assert data['inputs']['keypoint'].shape == (2, 1, 1, 16, 17, 3)
    feats = model.extract_feat(data['inputs'])
    assert feats['skeleton'].shape == (2, 32)
    assert feats['rgb'].shape == (2, 1024)
    out = model.test_step(batch)
    for key in ('pred_aqa_score', 'pred_score_skeleton', 'pred_score_rgb',
                'pred_stream'):
        assert key in out[0]


def test_frozen_backbones_do_not_change_but_head_does(video_set):
    model = build()
    optim = build_optim_wrapper(model, dict(optimizer=dict(type='Adam',
                                                           lr=1e-2)))
    before = copy.deepcopy(model.state_dict())
    model.train()
    assert not model.skeleton_backbone.training  # BN stays in eval mode
    batch = pseudo_collate([raw_dataset(video_set, 'train')[i]
                            for i in range(3)])
    log = model.train_step(batch, optim)
    assert {'loss_selection', 'loss_rgb_mse', 'loss_skeleton_mae'} <= set(log)
    after = model.state_dict()
    for key, value in before.items():
        same = torch.equal(value, after[key])
        trained = key.startswith('head.fc')
        assert same == (not trained), key


def test_end_to_end_training_reaches_backbones(video_set):
    model = build(freeze_backbones=False)
    batch = pseudo_collate([raw_dataset(video_set, 'train')[i]
                            for i in range(2)])
    data = model.data_preprocessor(batch, True)
    losses = model(**data, mode='loss')
    losses['loss_selection'].backward(retain_graph=True)
    # detach_selection (default): the selector does not train the backbones
    for backbone in (model.skeleton_backbone, model.rgb_backbone):
        assert all(p.grad is None or not p.grad.any()
                   for p in backbone.parameters())
    losses['loss_skeleton_mse'].backward()
    assert model.skeleton_backbone.fc.weight.grad.abs().sum() > 0


def test_cached_path_gives_the_frozen_end_to_end_predictions(video_set,
                                                             tmp_path):
    e2e = build().eval()
    dataset = raw_dataset(video_set)
    stats = cache_features(e2e, dataset, str(tmp_path / 'feats'),
                           batch_size=2, progress=False)
    assert stats['written'] == len(dataset) and stats['skipped'] == 0
    again = cache_features(e2e, dataset, str(tmp_path / 'feats'),
                           progress=False)
    assert again['written'] == 0 and again['skipped'] == len(dataset)
    cached = build(skeleton_backbone=None, rgb_backbone=None).eval()
    cached.load_state_dict({k: v for k, v in e2e.state_dict().items()
                            if k.startswith('head.')})
    cached_ds = DATASETS.build(dict(
        type='AQADataset', ann_file=str(video_set / 'synthetic_aqa.pkl'),
        split='test', modality='Feature',
        data_prefix=dict(feature=str(tmp_path / 'feats')),
        pipeline=copy.deepcopy(CACHED_PIPE), test_mode=True))
    n = len(dataset)
    out_e2e = e2e.test_step(pseudo_collate([dataset[i] for i in range(n)]))
    out_c = cached.test_step(pseudo_collate([cached_ds[i] for i in range(n)]))
    for a, b in zip(out_e2e, out_c):
        assert a.metainfo['frame_dir'] == b.metainfo['frame_dir']
        for key in ('pred_aqa_score', 'pred_score_skeleton',
                    'pred_score_rgb'):
            assert torch.allclose(a.get(key), b.get(key), atol=1e-4), key
        assert int(a.pred_stream) == int(b.pred_stream)


def test_stream_checkpoints_load_with_backbone_prefix(tmp_path):
    skel = MODELS.build(dict(type='SkeletonAssessor', backbone=SKELETON,
                             head=dict(type='AQARegressionHead',
                                       in_channels=32)))
    path = tmp_path / 'skeleton.pth'
    torch.save(dict(state_dict=skel.state_dict()), path)
    cfg = copy.deepcopy(MODEL)
    cfg['skeleton_backbone']['init_cfg'] = dict(
        type='StrictPretrained', checkpoint=str(path), prefix='backbone.')
    model = build(cfg)
    for k, v in skel.backbone.state_dict().items():
        assert torch.equal(model.skeleton_backbone.state_dict()[k], v), k
    # 'encoder.' is the old name of 'backbone.' (older SMEPretrainer
    # checkpoints): it finds the same weights
    cfg['skeleton_backbone']['init_cfg']['prefix'] = 'encoder.'
    model = build(cfg)
    for k, v in skel.backbone.state_dict().items():
        assert torch.equal(model.skeleton_backbone.state_dict()[k], v), k
    cfg['skeleton_backbone']['init_cfg']['prefix'] = 'rgb_backbone.'
    with pytest.raises(Exception, match="no key starts with prefix "
                       "'rgb_backbone.'"):
        build(cfg)


def test_bad_inputs_are_named(video_set):
    model = build(skeleton_backbone=None, rgb_backbone=None)
    with pytest.raises(KeyError, match="'keypoint' or 'feat_skeleton'"):
        model.extract_feat(dict(feat_rgb=torch.zeros(2, 1024)))
    with pytest.raises(ValueError, match='no skeleton_backbone'):
        model.extract_feat(dict(keypoint=torch.zeros(2, 1, 1, 16, 17, 3),
                                feat_rgb=torch.zeros(2, 1024)))
    with pytest.raises(TypeError, match='dict of inputs'):
        model.extract_feat(torch.zeros(2, 3))
