"""SMEPretrainer: siamese InfoNCE pretraining on the built-in set."""
import os

import pytest
import torch
from mmengine.dataset import Compose, pseudo_collate

from aqa_mm.datasets import AQADataset
from aqa_mm.registry import MODELS

# benchmarks/gpu_check.py sets cuda; CI runs these tests on the CPU.
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
        backbone=dict(type='SMEGCN', base_channels=8, out_channels=16)))


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
                      prefix='backbone.')))
    backbone.init_weights()
    for key, value in backbone.state_dict().items():
        assert torch.equal(value, pre.backbone.state_dict()[key]), key


def _hard_model(**kwargs):
    """The pretrainer with both pretext options (view_aug and projector)."""
    return MODELS.build(dict(
        type='SMEPretrainer',
        backbone=dict(type='SMEGCN', base_channels=8, out_channels=16),
        view_aug=dict(type='RandomSkeletonAffine', coord_channels=2),
        projector=dict(type='MLPProjector', in_channels=16,
                       hidden_channels=16, out_channels=8), **kwargs))


def _encoder_inputs(model, data, mode):
    """The (2N, M, T, V, C) batch the encoder sees in ``mode``."""
    seen = []
    handle = model.backbone.register_forward_pre_hook(
        lambda module, args: seen.append(args[0].detach().clone()))
    model(**data, mode=mode)
    handle.remove()
    return seen[0]


def test_view_aug_gives_each_view_its_own_draw(batch):
    """Two identical views reach the encoder different in 'loss' mode,
    unchanged in the other modes and without view_aug."""
    torch.manual_seed(0)
    data = _model().data_preprocessor(batch, training=True)
    data['inputs']['keypoint_tem'] = data['inputs']['keypoint_var'].clone()
    view = data['inputs']['keypoint_var']
    seen = _encoder_inputs(_hard_model().train(), data, 'loss')
    view_a, view_b = seen.chunk(2)
    assert not torch.allclose(view_a, view_b, atol=1e-4)
    assert not torch.allclose(view_a, view, atol=1e-4)
    assert torch.equal(view_a[..., 2], view[..., 2])   # score untouched
    for model, mode in [(_hard_model().train(), 'tensor'),
                        (_model().train(), 'loss')]:
        view_a, view_b = _encoder_inputs(model, data, mode).chunk(2)
        assert torch.equal(view_a, view) and torch.equal(view_b, view)


def test_view_aug_and_projector_loss_and_gradients(batch):
    torch.manual_seed(0)
    model = _hard_model().train()
    data = model.data_preprocessor(batch, training=True)
    loss = model(**data, mode='loss')['loss_infonce']
    assert torch.isfinite(loss)
    loss.backward()
    # data_bn is the encoder's first layer: the gradient crosses all of it
    # (CTRGC's conv1/conv2 get none at first: their alpha starts at 0)
    for name, param in model.named_parameters():
        if name.startswith(('encoder.data_bn.', 'encoder.fc.',
                            'projector.')):
            assert param.grad is not None and param.grad.abs().sum() > 0, name
    # predict / tensor give the encoder feature (C^s = 16), not the
    # projection (8)
    feat_a, _ = model.eval()(**data, mode='tensor')
    assert feat_a.shape[1] == 16


def test_projector_changes_the_loss(batch):
    torch.manual_seed(0)
    plain = _model().train()
    torch.manual_seed(0)
    with_head = MODELS.build(dict(
        type='SMEPretrainer',
        backbone=dict(type='SMEGCN', base_channels=8, out_channels=16),
        projector=dict(type='MLPProjector', in_channels=16,
                       hidden_channels=16, out_channels=8))).train()
    with_head.backbone.load_state_dict(plain.backbone.state_dict())
    data = plain.data_preprocessor(batch, training=True)
    assert not torch.allclose(plain(**data, mode='loss')['loss_infonce'],
                              with_head(**data, mode='loss')['loss_infonce'])


def test_projector_is_saved_apart_and_encoder_loads_strictly(tmp_path):
    pre = _hard_model()
    keys = list(pre.state_dict())
    head = [k for k in keys if k.startswith('projector.')]
    assert head and all(k.startswith(('backbone.', 'projector.'))
                        for k in keys)
    assert len(head) == len(pre.projector.state_dict())
    path = tmp_path / 'pre.pth'
    torch.save(dict(state_dict=pre.state_dict()), path)
    backbone = MODELS.build(dict(
        type='SMEGCN', base_channels=8, out_channels=16,
        init_cfg=dict(type='StrictPretrained', checkpoint=str(path),
                      prefix='backbone.')))
    backbone.init_weights()
    for key, value in backbone.state_dict().items():
        assert torch.equal(value, pre.backbone.state_dict()[key]), key


def test_checkpoint_of_an_older_version_still_fits(tmp_path):
    """Before the feature extractor was called ``backbone`` everywhere,
    pretraining checkpoints stored it as ``encoder.*``; they still fit."""
    from aqa_mm.utils.checkpoint import (check_checkpoint_matches,
                                         rename_old_prefixes)
    pre = MODELS.build(dict(
        type='SMEPretrainer',
        backbone=dict(type='SMEGCN', base_channels=8, out_channels=16)))
    old = {('encoder.' + k[len('backbone.'):] if k.startswith('backbone.')
            else k): v for k, v in pre.state_dict().items()}
    assert any(k.startswith('encoder.') for k in old)
    assert rename_old_prefixes(old, pre).keys() == pre.state_dict().keys()
    path = tmp_path / 'old.pth'
    torch.save(dict(state_dict=old, meta={}), path)
    check_checkpoint_matches(pre, str(path))  # raises on any mismatch
