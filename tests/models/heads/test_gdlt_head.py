"""GDLTHead: shapes, the Likert scoring against a hand computation, the
loss, and that padded clips change nothing."""
import pytest
import torch
import torch.nn.functional as F

from aqa_mm.models.heads import GDLTHead
from tests.models.conftest import score_samples


def _head(**kwargs):
    torch.manual_seed(0)
    cfg = dict(in_channels=16, hidden_dim=8, num_grades=4, dropout=0.0,
               score_max=40.0)
    cfg.update(kwargs)
    return GDLTHead(**cfg)


def test_shapes_and_likert_score_by_hand():
    head = _head().eval()
    x = torch.randn(3, 7, 16)
    score, grades = head(x)
    assert score.shape == (3, ) and grades.shape == (3, 4, 8)
    # r_k = sigmoid(w_k . g_k + b_k), normalised; score = sum_k r_k k/(K-1)
    w, b = head.regressor.weight, head.regressor.bias
    for n in range(3):
        r = torch.stack([torch.sigmoid(w[k] @ grades[n, k] + b[k])
                         for k in range(4)])
        r = r / r.sum()
        expected = sum(r[k] * k / 3 for k in range(4))
        assert abs(score[n].item() - expected.item()) < 1e-6
    assert ((score >= 0) & (score <= 1)).all()


def test_padding_is_masked_out():
    head = _head().eval()
    short, long = torch.randn(1, 5, 16), torch.randn(1, 9, 16)
    batch = torch.zeros(2, 9, 16)
    batch[0, :5], batch[1] = short[0], long[0]
    mask = torch.zeros(2, 9, dtype=torch.bool)
    mask[0, :5], mask[1] = True, True
    with torch.no_grad():
        padded = head(batch, mask)[0]
        alone = torch.cat([head(short)[0], head(long)[0]])
        unmasked = head(batch)[0]
    torch.testing.assert_close(padded, alone, atol=1e-5, rtol=1e-5)
    assert abs(unmasked[0] - alone[0]) > 1e-4   # the mask matters


def test_loss_and_predict():
    head = _head(loss_triplet=dict(type='HardTripletLoss', margin=1.0,
                                   loss_weight=0.5)).train()
    x = torch.randn(4, 6, 16)
    samples = score_samples([10.0, 20.0, 30.0, 40.0])
    losses = head.loss(x, samples)
    assert set(losses) == {'loss_mse', 'loss_triplet'}
    sum(losses.values()).backward()
    assert head.prototype.weight.grad.abs().sum() > 0
    assert head.in_proj[0].weight.grad.abs().sum() > 0
    head.eval()
    with torch.no_grad():
        norm = head(x)[0]
        out = head.predict(x, score_samples([0, 0, 0, 0]))
        mse = head.loss(x, samples)['loss_mse']
    preds = torch.stack([s.pred_aqa_score for s in out])
    torch.testing.assert_close(preds, norm * 40.0)   # back to the score scale
    target = torch.tensor([10.0, 20.0, 30.0, 40.0]) / 40.0
    torch.testing.assert_close(mse, F.mse_loss(norm, target))


def test_bad_arguments():
    with pytest.raises(ValueError, match=r'\(N, T, 16\)'):
        _head()(torch.randn(2, 16))
    with pytest.raises(ValueError, match='score_max'):
        _head(score_max=0)
    with pytest.raises(ValueError, match='num_grades'):
        _head(num_grades=1)
