"""SMEPretrainer: siamese InfoNCE pretraining on the built-in set."""
import os

import pytest
import torch
from mmengine.dataset import Compose, pseudo_collate

from aqa_mm.datasets import AQADataset
from aqa_mm.registry import MODELS

# benchmarks/gpu_check.sh sets cuda; CI runs these tests on the CPU.
DEVICE = torch.device(os.environ.get('AQA_TEST_DEVICE', 'cpu'))
PIPELINE = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=16, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='VarianceMask', mask_ratio=0.38, window=2,
         out_key='keypoint_var'),
    dict(type='TemporalMask', mask_ratio=0.38, out_key='keypoint_tem'),
    dict(type='PackAQAInputs', collect_keys=('keypoint_var', 'keypoint_tem')),
]


def _model():
    return MODELS.build(dict(
        type='SMEPretrainer',
        encoder=dict(type='SMEGCN', base_channels=8, out_channels=16)))


@pytest.fixture(scope='module')
def batch(tmp_path_factory):
    from aqa_mm.datasets.synthetic.builder import build_dataset
    out = tmp_path_factory.mktemp('syn')
    build_dataset(str(out), seed=2, num_per_class=4, frames=16, img_size=64,
                  write_video=False, workers=1)
    ds = AQADataset(str(out / 'synthetic_aqa.pkl'), pipeline=PIPELINE,
                    split='train')
    return pseudo_collate([ds[i] for i in range(len(ds))])


def test_views_are_masked_and_packed(batch):
    view = batch['inputs']['keypoint_var'][0]  # (M, T, V, C)
    assert tuple(view.shape) == (1, 16, 17, 3)
    zero_frames = (view == 0).flatten(2).all(-1).sum()
    assert zero_frames == 6  # ⌊0.38 · 16⌋


def test_pretraining_lowers_infonce(batch):
    """On $AQA_TEST_DEVICE: the preprocessor moves both views there."""
    torch.manual_seed(0)
    model = _model().to(DEVICE)
    optim = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(25):
        data = model.data_preprocessor(batch, training=True)
        assert {v.device.type for v in data['inputs'].values()} == {
            DEVICE.type}
        loss = model(**data, mode='loss')['loss_infonce']
        optim.zero_grad()
        loss.backward()
        optim.step()
        losses.append(loss.item())
    assert sum(losses[-5:]) / 5 < 0.7 * sum(losses[:5]) / 5, losses


def test_predict_and_tensor_modes(batch):
    model = _model().eval()
    data = model.data_preprocessor(batch)
    feat_a, feat_b = model(**data, mode='tensor')
    n = len(batch['data_samples'])
    assert feat_a.shape == feat_b.shape == (n, 16)
    samples = model(**data, mode='predict')
    assert samples[0].ssl_feature.shape == (16, )


def test_missing_view_is_named(batch):
    model = _model()
    data = model.data_preprocessor(batch)
    data['inputs'].pop('keypoint_tem')
    with pytest.raises(KeyError, match='keypoint_tem'):
        model(**data, mode='loss')


def test_encoder_keys_load_into_finetuning_backbone(tmp_path):
    pre = _model()
    path = tmp_path / 'pre.pth'
    torch.save(dict(state_dict=pre.state_dict()), path)
    backbone = MODELS.build(dict(
        type='SMEGCN', base_channels=8, out_channels=16,
        init_cfg=dict(type='StrictPretrained', checkpoint=str(path),
                      prefix='encoder.')))
    backbone.init_weights()
    for key, value in backbone.state_dict().items():
        assert torch.equal(value, pre.encoder.state_dict()[key]), key
