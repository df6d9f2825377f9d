"""RGBAssessor on real decoded videos of a tiny built-in synthetic set: the
mmaction2 pipeline, [-1, 1] inputs, clip averaging, loss / predict, and the
RGB configs."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper

# registered on import (until the package __init__ files import them)
import aqa_mm.datasets.transforms.decord_clips  # noqa: F401
import aqa_mm.models.assessors.rgb_assessor  # noqa: F401
import aqa_mm.models.backbones.i3d  # noqa: F401
from aqa_mm.datasets.synthetic.builder import build_dataset
from aqa_mm.registry import DATASETS, MODELS

ROOT = Path(__file__).resolve().parents[3]
CLIP_LEN, NUM_CLIPS, CROP = 8, 2, 48


@pytest.fixture(scope='module')
def synthetic_root(tmp_path_factory) -> str:
    """10 videos (2 per class) of 16 frames at 64x64 px."""
    out = tmp_path_factory.mktemp('synthetic_rgb')
    build_dataset(out, seed=1, num_per_class=2, frames=16, img_size=64,
                  workers=1)
    return str(out)


def _dataset(root: str, pipeline: list, split: str = 'train'):
    return DATASETS.build(dict(
        type='AQADataset', ann_file=f'{root}/synthetic_aqa.pkl', split=split,
        modality='RGB', data_prefix=dict(video=root), pipeline=pipeline))


def _model(**backbone):
    return MODELS.build(dict(
        type='RGBAssessor',
        backbone=dict(type='I3D', num_classes=None, **backbone),
        head=dict(type='AQARegressionHead', in_channels=1024,
                  score_mean=40.0, score_std=25.0)))


def test_loss_and_predict_on_decoded_videos(synthetic_root):
    pipeline = [
        dict(type='DecordClips', clip_len=CLIP_LEN, num_clips=NUM_CLIPS),
        dict(type='Resize', scale=(-1, 64)),
        dict(type='CenterCrop', crop_size=CROP),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackAQAInputs')
    ]
    dataset = _dataset(synthetic_root, pipeline)
    batch = pseudo_collate([dataset[0], dataset[1]])
    torch.manual_seed(0)
    model = _model()
    model.init_weights()
    data = model.data_preprocessor(batch, training=True)
    inputs = data['inputs']
    assert inputs.shape == (2, NUM_CLIPS, 3, CLIP_LEN, CROP, CROP)
    assert inputs.min() >= -1.0 and inputs.max() <= 1.0
    assert inputs.std() > 0.01  # real frames, not a constant

    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_mse', 'loss_mae'}
    sum(losses.values()).backward()
    assert model.backbone.Conv3d_1a_7x7.conv3d.weight.grad.abs().sum() > 0

    model.eval()
    with torch.no_grad():
        samples = model.test_step(batch)
        scores = model(inputs, mode='tensor')
    assert scores.shape == (2, )
    preds = torch.stack([s.pred_aqa_score for s in samples])
    assert torch.allclose(preds, scores)
    assert all('gt_score' in s for s in samples)


@torch.no_grad()
def test_clip_features_are_averaged():
    torch.manual_seed(0)
    model = _model().eval()
    clip_a = torch.rand(1, 1, 3, 8, 32, 32) * 2 - 1
    clip_b = torch.rand(1, 1, 3, 8, 32, 32) * 2 - 1
    feat_a = model.backbone(clip_a[:, 0])
    feat_b = model.backbone(clip_b[:, 0])
    expected = model.head.to_score(
        model.head.fc((feat_a + feat_b) / 2).squeeze(-1))
    both = model(torch.cat([clip_a, clip_b], dim=1), mode='tensor')
    assert torch.allclose(both, expected, atol=1e-5)


def test_bad_input_shape_is_named():
    with pytest.raises(ValueError, match=r'\(N, num_clips, C, T, H, W\).*'
                       r'\(2, 3, 8, 32, 32\)'):
        _model()(torch.rand(2, 3, 8, 32, 32))
    with pytest.raises(ValueError, match="mode must be 'loss'"):
        _model()(torch.rand(1, 1, 3, 8, 32, 32), mode='logits')


def test_synthetic_config_train_and_test_step(synthetic_root):
    cfg = Config.fromfile(ROOT / 'configs/i3d/i3d_regressor_1xb4-30e_'
                          'synthetic.py')
    assert cfg.custom_imports['imports'] == ['aqa_mm']
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    batches = {}
    for name in ('train_dataloader', 'test_dataloader'):
        ds_cfg = cfg[name].dataset.copy()
        ds_cfg.update(ann_file=f'{synthetic_root}/synthetic_aqa.pkl',
                      data_prefix=dict(video=synthetic_root))
        dataset = DATASETS.build(ds_cfg)
        batches[name] = pseudo_collate([dataset[i] for i in range(2)])
    assert batches['train_dataloader']['inputs'][0].shape == (2, 3, 16, 112,
                                                              112)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    losses = model.train_step(batches['train_dataloader'], optim)
    assert set(losses) == {'loss', 'loss_mse', 'loss_mae'}
    assert all(torch.isfinite(v) for v in losses.values())
    model.eval()
    out = model.test_step(batches['test_dataloader'])
    assert len(out) == 2 and 'pred_aqa_score' in out[0]


@pytest.mark.parametrize('name, params', [
    ('i3d_regressor_aqa7.py', 12_697_264 + 1025),   # I3D (+ frozen logits)
    ('i3d_r50_regressor_aqa7.py', 27_223_872 + 2049)])  # mmaction2 ResNet3d
def test_aqa7_configs_build(name, params):
    cfg = Config.fromfile(ROOT / 'configs/i3d' / name)
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) == params
    clips = cfg.train_dataloader.dataset.pipeline[0]
    assert (clips.type, clips.clip_len, clips.num_clips,
            clips.clip_stride) == ('DecordClips', 16, 10, 10)
