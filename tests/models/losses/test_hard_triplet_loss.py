"""HardTripletLoss against a per-anchor loop written from its definition."""
import torch
import torch.nn.functional as F

from aqa_mm.models.losses import HardTripletLoss


def _loop(emb, labels, margin):
    total = 0.0
    for a in range(len(emb)):
        d = [1 - F.cosine_similarity(emb[a], emb[j], dim=0).item()
             for j in range(len(emb))]
        pos = [d[j] for j in range(len(emb)) if j != a and labels[j] == labels[a]]
        neg = [d[j] for j in range(len(emb)) if labels[j] != labels[a]]
        total += max(0.0, (max(pos) if pos else 0.0) - min(neg) + margin)
    return total / len(emb)


def test_matches_the_definition():
    torch.manual_seed(0)
    emb = torch.randn(12, 5)
    labels = torch.arange(4).repeat(3)
    for margin in (0.0, 0.3, 1.0):
        got = HardTripletLoss(margin=margin)(emb, labels)
        assert abs(got.item() - _loop(emb, labels, margin)) < 1e-5
    weighted = HardTripletLoss(margin=1.0, loss_weight=0.5)(emb, labels)
    assert abs(weighted.item() - 0.5 * _loop(emb, labels, 1.0)) < 1e-5


def test_separated_grades_cost_nothing_and_grads_flow():
    labels = torch.arange(3).repeat(2)
    emb = torch.eye(3)[labels] + 1e-3 * torch.randn(6, 3)
    assert HardTripletLoss(margin=0.5)(emb, labels).item() < 1e-3
    emb = torch.randn(6, 3, requires_grad=True)
    HardTripletLoss()(emb, labels).backward()
    assert emb.grad.abs().sum() > 0
