import math

import pytest
import torch

from aqa_mm.models.losses import InfoNCELoss


def _unit(x):
    return x / x.norm(dim=1, keepdim=True)


def loop_reference(a, b, tau, anchors_all):
    """Eq. 4 / NT-Xent written out with Python loops."""
    f = torch.cat([_unit(a), _unit(b)]).double()
    n = a.shape[0]
    anchors = range(2 * n) if anchors_all else range(n)
    total = 0.0
    for i in anchors:
        pos = (i + n) % (2 * n)
        num = math.exp(float(f[i] @ f[pos]) / tau)
        den = sum(math.exp(float(f[i] @ f[k]) / tau)
                  for k in range(2 * n) if k != i)
        total += -math.log(num / den)
    return total / len(anchors)


def cross_view_reference(a, b, tau):
    a, b = _unit(a).double(), _unit(b).double()
    total = 0.0
    for i in range(a.shape[0]):
        logits = [float(a[i] @ b[k]) / tau for k in range(b.shape[0])]
        total += -logits[i] + math.log(sum(math.exp(x) for x in logits))
    return total / a.shape[0]


@pytest.mark.parametrize('n, c, tau', [(2, 4, 0.1), (5, 8, 0.5), (7, 3, 1.0)])
def test_matches_loop_reference(n, c, tau):
    torch.manual_seed(n)
    a, b = torch.randn(n, c), torch.randn(n, c)
    assert InfoNCELoss(tau)(a, b).item() == pytest.approx(
        loop_reference(a, b, tau, anchors_all=False), rel=1e-5)
    assert InfoNCELoss(tau, mode='symmetric')(a, b).item() == pytest.approx(
        loop_reference(a, b, tau, anchors_all=True), rel=1e-5)
    assert InfoNCELoss(tau, mode='cross_view')(a, b).item() == pytest.approx(
        cross_view_reference(a, b, tau), rel=1e-5)


def test_aligned_views_give_lower_loss():
    torch.manual_seed(0)
    a = torch.randn(8, 16)
    loss = InfoNCELoss()
    assert loss(a, a + 0.01 * torch.randn(8, 16)) < loss(a, torch.randn(8, 16))


def test_gradient_flows_to_both_views():
    a = torch.randn(4, 6, requires_grad=True)
    b = torch.randn(4, 6, requires_grad=True)
    InfoNCELoss()(a, b).backward()
    assert a.grad.abs().sum() > 0 and b.grad.abs().sum() > 0


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match=r'\(4, 6\) and \(3, 6\)'):
        InfoNCELoss()(torch.randn(4, 6), torch.randn(3, 6))
    with pytest.raises(ValueError, match='N=1'):
        InfoNCELoss()(torch.randn(1, 6), torch.randn(1, 6))
    with pytest.raises(ValueError, match='mode'):
        InfoNCELoss(mode='simclr')
    with pytest.raises(ValueError, match='temperature'):
        InfoNCELoss(temperature=0)
