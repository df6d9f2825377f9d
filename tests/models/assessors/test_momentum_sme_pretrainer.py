"""MomentumSMEPretrainer: MoCo's key encoder and queue on SME views."""
import pytest
import torch
from mmaction.structures import ActionDataSample

from aqa_mm.registry import MODELS

N, T, V = 4, 12, 17


def _model(**kwargs):
    torch.manual_seed(0)
    cfg = dict(type='MomentumSMEPretrainer',
               backbone=dict(type='SMEGCN', base_channels=8, out_channels=16),
               queue_size=6, momentum=0.9)
    model = MODELS.build({**cfg, **kwargs})
    model.init_weights()
    return model


def _batch(ids=range(N)):
    inputs = {k: torch.randn(N, 1, T, V, 3)
              for k in ('keypoint_var', 'keypoint_tem')}
    samples = [ActionDataSample(metainfo=dict(sample_idx=i)) for i in ids]
    return inputs, samples


def _params(module):
    return [p.detach().clone() for p in module.parameters()]


def test_key_encoder_starts_equal_and_is_not_trained():
    model = _model()
    for p_q, p_k in zip(model.backbone.parameters(),
                        model.key_encoder.parameters()):
        assert torch.equal(p_q, p_k)
        assert p_k.requires_grad is False
    assert model.queue.feats.shape == (6, 16)   # the encoder's fc output


def test_step_moves_keys_by_momentum_and_fills_the_queue():
    model = _model()
    model.train()
    optim = torch.optim.SGD(
        [p for p in model.parameters() if p.requires_grad], lr=0.5)
    inputs, samples = _batch()
    loss = model(inputs, samples, mode='loss')['loss_infonce']
    assert torch.isfinite(loss)
    assert model.queue.ids.tolist()[:N] == list(range(N))
    assert int(model.queue.ptr) == N
    loss.backward()
    assert all(p.grad is None for p in model.key_encoder.parameters())
    optim.step()
    keys_before = _params(model.key_encoder)
    online = _params(model.backbone)
    assert any(not torch.equal(a, b) for a, b in zip(online, keys_before))
    model(inputs, samples, mode='loss')
    for k_new, k_old, q in zip(model.key_encoder.parameters(), keys_before,
                               online):
        torch.testing.assert_close(k_new, 0.9 * k_old + 0.1 * q)
    assert int(model.queue.ptr) == (2 * N) % 6   # wrapped around


def test_own_stale_keys_are_excluded():
    model = _model()
    inputs, samples = _batch()
    model(inputs, samples, mode='loss')
    ids = model._sample_ids(samples, torch.device('cpu'))
    mask = model.queue.same_sample(ids)
    assert mask.sum() == N and mask[torch.arange(N), torch.arange(N)].all()
    # without ids nothing is excluded and -1 is queued
    inputs, bare = _batch()
    bare = [ActionDataSample() for _ in range(N)]
    assert model._sample_ids(bare, torch.device('cpu')) is None
    model(inputs, bare, mode='loss')
    assert (model.queue.ids == -1).sum() == 4   # slots 4, 5, 0, 1


def test_symmetric_queues_both_key_sets():
    model = _model(symmetric=True)
    inputs, samples = _batch()
    loss = model(inputs, samples, mode='loss')['loss_infonce']
    assert torch.isfinite(loss)
    assert int(model.queue.ptr) == (2 * N) % 6


def test_projector_sets_queue_width_and_has_a_key_copy():
    model = _model(projector=dict(type='MLPProjector', in_channels=16,
                                  hidden_channels=16, out_channels=8,
                                  norm=False))
    assert model.queue.feats.shape == (6, 8)
    assert model.key_projector is not None
    for p_q, p_k in zip(model.projector.parameters(),
                        model.key_projector.parameters()):
        assert torch.equal(p_q, p_k)
    inputs, samples = _batch()
    model(inputs, samples, mode='loss')
    state = model.state_dict()
    assert {'queue.feats', 'queue.ids', 'queue.ptr'} <= set(state)
    assert any(k.startswith('key_projector.') for k in state)


def test_predict_and_tensor_use_the_trained_encoder():
    model = _model().eval()
    inputs, samples = _batch()
    feat_a, feat_b = model(inputs, mode='tensor')
    assert feat_a.shape == (N, 16)
    with torch.no_grad():
        expected = model.backbone(inputs['keypoint_var'])
    torch.testing.assert_close(feat_a, expected)
    out = model(inputs, samples, mode='predict')
    assert out[0].ssl_feature.shape == (16, )
    assert int(model.queue.ptr) == 0   # only training touches the queue


def test_training_lowers_the_loss_once_the_queue_holds_keys():
    """The random initial queue is easy (the loss starts near 0, as in
    MoCo); once it holds the batch's keys, training lowers the loss."""
    model = _model()
    model.train()
    optim = torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=3e-3)
    torch.manual_seed(1)
    inputs, samples = _batch()
    inputs['keypoint_tem'] = inputs['keypoint_var'] + 0.05 * torch.randn(
        N, 1, T, V, 3)
    losses = []
    for _ in range(25):
        loss = model(inputs, samples, mode='loss')['loss_infonce']
        optim.zero_grad()
        loss.backward()
        optim.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * max(losses[2:6])


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match='momentum'):
        _model(momentum=1.0)
    with pytest.raises(ValueError, match='feature_channels'):
        MODELS.build(dict(type='MomentumSMEPretrainer',
                          backbone=dict(type='SMEGCN', base_channels=8,
                                        out_type='map')))
