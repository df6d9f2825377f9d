import pytest
import torch

from aqa_mm.registry import MODELS
from tests.models.conftest import score_samples


def _model(**head):
    return MODELS.build(dict(
        type='SkeletonAssessor',
        backbone=dict(type='STGCN', graph_cfg=dict(layout='coco',
                                                   mode='stgcn_spatial'),
                      base_channels=8, num_stages=2, inflate_stages=(),
                      down_stages=()),
        head=dict(type='AQARegressionHead', in_channels=8, **head)))


def test_three_modes_and_score_scale():
    torch.manual_seed(0)
    model = _model(score_mean=50.0, score_std=10.0)
    model.init_weights()
    x = torch.randn(2, 1, 1, 12, 17, 3)
    losses = model(x, score_samples([40, 60]), mode='loss')
    assert set(losses) == {'loss_mse', 'loss_mae'}
    loss = sum(losses.values())
    loss.backward()
    assert model.backbone.data_bn.weight.grad is not None
    model.eval()
    preds = model(x, score_samples([40, 60]), mode='predict')
    scores = model(x, mode='tensor')
    assert scores.shape == (2, )
    # the head's init makes standardised outputs ~0, i.e. scores ~ mean
    assert torch.allclose(scores, torch.full((2, ), 50.0), atol=1.0)
    assert torch.allclose(torch.stack([p.pred_aqa_score for p in preds]),
                          scores)


def test_multi_clip_average():
    model = _model().eval()
    x = torch.randn(1, 1, 1, 12, 17, 3)
    two = torch.cat([x, x], dim=1)
    assert torch.allclose(model(x), model(two), atol=1e-5)


def test_bad_input_shape_is_named():
    with pytest.raises(ValueError, match=r'\(N, num_clips, M, T, V, C\).*'
                       r'\(2, 12, 17, 3\)'):
        _model()(torch.randn(2, 12, 17, 3))


def test_loss_weights_zero_drops_term():
    model = _model(loss_weights=(1.0, 0.0))
    losses = model(torch.randn(2, 1, 1, 12, 17, 3), score_samples([1, 2]),
                   mode='loss')
    assert set(losses) == {'loss_mse'}


def test_joint_count_not_matching_the_graph_is_named():
    model = MODELS.build(dict(
        type='SkeletonAssessor',
        backbone=dict(type='STGCN', graph_cfg=dict(layout='coco',
                                                   mode='stgcn_spatial')),
        head=dict(type='AQARegressionHead', in_channels=256)))
    with pytest.raises(ValueError, match="25 joints .* 'coco' has 17"):
        model(torch.zeros(1, 1, 1, 8, 25, 3))
