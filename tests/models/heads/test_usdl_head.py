"""USDLHead against the paper's equations: the Gaussian target, the KL
loss, the argmax / expectation decoding, and a train/predict step through
SequenceAssessor and SkeletonAssessor."""
import math

import pytest
import torch
from mmengine.optim import build_optim_wrapper

from aqa_mm.models.heads import USDLHead
from aqa_mm.models.heads.distribution_utils import (
    bin_values, decode_score_distribution, gaussian_score_distribution)
from aqa_mm.registry import MODELS
from tests.models.conftest import score_samples


def _batch(lengths, channels=16):
    """Variable-length clip features, scores 10, 11, ..."""
    return dict(inputs=dict(feat_rgb=[torch.randn(t, channels)
                                      for t in lengths]),
                data_samples=score_samples([10.0 + i
                                            for i in range(len(lengths))]))


def test_gaussian_target_sums_to_one_and_peaks_at_the_score():
    values = bin_values((0, 100), 101)                  # c_i = i
    target = gaussian_score_distribution(torch.tensor([37.0, 62.4]),
                                         values, sigma=3.0)
    torch.testing.assert_close(target.sum(dim=1), torch.ones(2))
    assert target.argmax(dim=1).tolist() == [37, 62]
    # p(c_i) = g(c_i) / sum_j g(c_j), g the N(s, sigma^2) density
    g = [math.exp(-(i - 62.4) ** 2 / 18) / (math.sqrt(2 * math.pi) * 3)
         for i in range(101)]
    torch.testing.assert_close(target[1], torch.tensor(g) / sum(g))


def test_sigma_is_in_bins_on_a_non_unit_grid():
    values = bin_values((6, 30), 13)                    # spacing 2
    target = gaussian_score_distribution(torch.tensor(14.0), values, 1.0)
    # the score sits on bin 4; its neighbours are one bin (sigma) away
    assert target.argmax().item() == 4
    ratio = (target[5] / target[4]).item()
    assert abs(ratio - math.exp(-0.5)) < 1e-6


def test_kl_loss_equals_a_manual_computation():
    torch.manual_seed(0)
    head = USDLHead(in_channels=6, score_range=(0, 10), num_bins=11,
                    sigma=1.0, hidden_channels=())
    x = torch.randn(3, 6)
    scores = [2.0, 5.5, 9.0]
    loss = head.loss(x, score_samples(scores))['loss_kl']
    p_hat = head(x).softmax(dim=1)
    manual = 0.0
    for n, s in enumerate(scores):
        g = torch.tensor([math.exp(-(i - s) ** 2 / 2) for i in range(11)])
        p = g / g.sum()
        manual += (p * (p.log() - p_hat[n].log())).sum()
    assert abs(loss.item() - manual.item() / 3) < 1e-5


def test_decoding_argmax_and_expectation():
    values = bin_values((0, 4), 5)
    probs = torch.tensor([[0.1, 0.2, 0.4, 0.3, 0.0]])
    assert decode_score_distribution(probs, values).item() == 2.0
    expected = 0.2 + 0.8 + 0.9
    assert abs(decode_score_distribution(probs, values, 'expectation')
               .item() - expected) < 1e-6
    head = USDLHead(4, (0, 4), num_bins=5, decode='expectation').eval()
    x = torch.randn(2, 4)
    out = head.predict(x, score_samples([0, 0]))
    torch.testing.assert_close(
        torch.stack([s.pred_aqa_score for s in out]),
        (head(x).softmax(1) * values).sum(1))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match='sigma'):
        USDLHead(4, (0, 1), sigma=0)
    with pytest.raises(ValueError, match='decode'):
        USDLHead(4, (0, 1), decode='mode')
    with pytest.raises(ValueError, match='min < max'):
        USDLHead(4, (1, 1))
    samples = score_samples([1.0])
    del samples[0].gt_score
    with pytest.raises(KeyError, match="'s0' has no 'gt_score'"):
        USDLHead(4, (0, 1)).loss(torch.randn(1, 4), samples)


def test_train_step_learns_and_predicts_through_sequence_assessor():
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='SequenceAssessor', temporal_pool='mean',
        head=dict(type='USDLHead', in_channels=16, score_range=(5, 20),
                  num_bins=16, sigma=1.0)))
    optim = build_optim_wrapper(model, dict(optimizer=dict(type='Adam',
                                                           lr=1e-2)))
    batch = _batch([3, 5, 4])                      # scores 10, 11, 12
    first = model.train_step(batch, optim)['loss_kl'].item()
    for _ in range(30):
        last = model.train_step(batch, optim)['loss_kl'].item()
    assert last < first
    model.eval()
    out = model.test_step(batch)
    assert [s.pred_aqa_score.item() for s in out] == [10.0, 11.0, 12.0]


def test_train_and_test_steps_through_skeleton_assessor():
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='SkeletonAssessor',
        backbone=dict(type='STGCN', graph_cfg=dict(layout='coco',
                                                   mode='stgcn_spatial'),
                      base_channels=8, num_stages=2, inflate_stages=(),
                      down_stages=()),
        head=dict(type='USDLHead', in_channels=8, score_range=(0, 100))))
    optim = build_optim_wrapper(model, dict(optimizer=dict(type='SGD',
                                                           lr=0.01)))
    x = torch.randn(2, 2, 1, 12, 17, 3)                # two clips each
    batch = dict(inputs=list(x), data_samples=score_samples([40, 60]))
    losses = model.train_step(batch, optim)
    assert 'loss_kl' in losses and torch.isfinite(losses['loss_kl'])
    model.eval()
    scores = model(x, mode='tensor')
    preds = model(x, score_samples([0, 0]), mode='predict')
    assert scores.shape == (2, )
    torch.testing.assert_close(torch.stack([p.pred_aqa_score for p in preds]),
                               scores)
