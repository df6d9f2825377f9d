"""QueueInfoNCELoss against a direct evaluation of MoCo's formula."""
import math

import pytest
import torch
import torch.nn.functional as F

from aqa_mm.models.losses import QueueInfoNCELoss


def _reference(q, k, queue, tau, exclude=None):
    q, k, queue = (F.normalize(x, dim=1) for x in (q, k, queue))
    total = 0.
    for i in range(q.shape[0]):
        pos = math.exp(float(q[i] @ k[i]) / tau)
        neg = sum(math.exp(float(q[i] @ queue[j]) / tau)
                  for j in range(queue.shape[0])
                  if exclude is None or not exclude[i, j])
        total -= math.log(pos / (pos + neg))
    return total / q.shape[0]


def test_matches_formula_with_and_without_exclusion():
    torch.manual_seed(0)
    q, k, queue = torch.randn(4, 8), torch.randn(4, 8), torch.randn(6, 8)
    loss = QueueInfoNCELoss(temperature=0.2)
    assert float(loss(q, k, queue)) == pytest.approx(
        _reference(q, k, queue, 0.2), rel=1e-5)
    exclude = torch.zeros(4, 6, dtype=torch.bool)
    exclude[0, 1] = exclude[2, 5] = True
    value = float(loss(q, k, queue, exclude))
    assert value == pytest.approx(_reference(q, k, queue, 0.2, exclude),
                                  rel=1e-5)
    assert value != pytest.approx(float(loss(q, k, queue)), rel=1e-4)


def test_gradient_reaches_the_query_only():
    q = torch.randn(3, 4, requires_grad=True)
    k = torch.randn(3, 4, requires_grad=True)
    QueueInfoNCELoss()(q, k, torch.randn(5, 4)).backward()
    assert q.grad is not None and q.grad.abs().sum() > 0
    assert k.grad is None


def test_matching_key_gives_a_lower_loss():
    torch.manual_seed(1)
    q, queue = torch.randn(8, 16), torch.randn(64, 16)
    loss = QueueInfoNCELoss()
    assert float(loss(q, q, queue)) < float(loss(q, torch.randn(8, 16),
                                                 queue))


def test_bad_shapes_are_named():
    loss = QueueInfoNCELoss()
    with pytest.raises(ValueError, match=r'\(3, 4\)'):
        loss(torch.randn(3, 4), torch.randn(3, 4), torch.randn(5, 3))
    with pytest.raises(ValueError, match='exclude'):
        loss(torch.randn(3, 4), torch.randn(3, 4), torch.randn(5, 4),
             torch.zeros(3, 4, dtype=torch.bool))
    with pytest.raises(ValueError, match='temperature'):
        QueueInfoNCELoss(temperature=0)
