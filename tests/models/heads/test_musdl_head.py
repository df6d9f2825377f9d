"""MUSDLHead against the paper: one Gaussian target and KL per judge, the
trimmed sum times difficulty (diving) and the plain sum (JIGSAWS), and a
train/predict step through SequenceAssessor."""
import math

import pytest
import torch
from mmengine.optim import build_optim_wrapper

from aqa_mm.models.heads import MUSDLHead
from aqa_mm.registry import MODELS
from tests.models.conftest import score_samples


def _samples(judges, difficulty=None, key='gt_item_scores'):
    samples = score_samples([sum(j) for j in judges])
    for i, s in enumerate(samples):
        s.set_field(torch.tensor(judges[i], dtype=torch.float32), key)
        if difficulty is not None:
            s.set_field(torch.tensor(difficulty[i]), 'difficulty')
    return samples


def test_trimmed_sum_times_difficulty_by_hand():
    head = MUSDLHead(4, num_judges=5, judge_range=(0, 10),
                     combine='trimmed_sum_times_difficulty')
    judges = torch.tensor([[7.0, 9.5, 6.0, 8.0, 7.5],
                           [5.0, 5.0, 5.0, 5.0, 5.0]])
    out = head.combine_scores(judges, torch.tensor([3.0, 2.0]))
    # drop 9.5 and 6.0: (7 + 8 + 7.5) * 3; all 5: (5 * 3) * 2
    torch.testing.assert_close(out, torch.tensor([67.5, 30.0]))
    # MTL-AQA: seven judges, the median three kept
    seven = MUSDLHead(4, num_judges=7, judge_range=(0, 10),
                      combine='trimmed_sum_times_difficulty', num_trimmed=2)
    seven_scores = torch.tensor([[1.0, 9.0, 5.0, 6.0, 2.0, 8.0, 7.0]])
    assert seven.combine_scores(seven_scores).item() == 18.0   # 5 + 6 + 7


def test_sum_is_the_grs_total():
    head = MUSDLHead(4, num_judges=6, judge_range=(1, 5), num_bins=5)
    judges = torch.tensor([[1.0, 2.0, 3.0, 4.0, 5.0, 3.0]])
    assert head.combine_scores(judges).item() == 18.0


def test_loss_is_the_sum_of_per_judge_kls():
    torch.manual_seed(0)
    head = MUSDLHead(6, num_judges=3, judge_range=(1, 5), num_bins=5,
                     sigma=1.0, hidden_channels=())
    x = torch.randn(2, 6)
    judges = [[1.0, 3.0, 5.0], [2.0, 4.0, 4.0]]
    loss = head.loss(x, _samples(judges))['loss_kl']
    p_hat = head(x).softmax(dim=-1)                          # [N, K, m]
    manual = 0.0
    for k in range(3):
        for n in range(2):
            g = torch.tensor([math.exp(-(i + 1 - judges[n][k]) ** 2 / 2)
                              for i in range(5)])
            p = g / g.sum()
            manual += (p * (p.log() - p_hat[n, k].log())).sum() / 2
    assert abs(loss.item() - manual.item()) < 1e-5


def test_predict_decodes_each_judge_and_combines():
    torch.manual_seed(0)
    head = MUSDLHead(4, num_judges=5, judge_range=(0, 10),
                     combine='trimmed_sum_times_difficulty').eval()
    x = torch.randn(2, 4)
    out = head.predict(x, _samples([[0] * 5, [0] * 5], [2.0, 3.5]))
    per_judge = head(x).softmax(-1).argmax(-1) * 0.5          # bins 0..10
    for n, d in enumerate([2.0, 3.5]):
        torch.testing.assert_close(out[n].pred_judge_scores, per_judge[n])
        kept = per_judge[n].sort().values[1:4].sum() * d
        assert abs(out[n].pred_aqa_score.item() - kept.item()) < 1e-5


def test_missing_fields_and_bad_arguments_are_named():
    head = MUSDLHead(4, num_judges=5, judge_range=(0, 10),
                     combine='trimmed_sum_times_difficulty')
    with pytest.raises(KeyError, match="'s0' has no 'gt_item_scores'"):
        head.loss(torch.randn(1, 4), score_samples([1.0]))
    with pytest.raises(KeyError, match="'s0' has no 'difficulty'"):
        head.predict(torch.randn(1, 4), _samples([[1.0] * 5]))
    with pytest.raises(ValueError, match='5 scores per sample'):
        head.loss(torch.randn(1, 4), _samples([[1.0] * 4]))
    with pytest.raises(ValueError, match='leaves no judge'):
        MUSDLHead(4, num_judges=4, judge_range=(0, 10), num_trimmed=2,
                  combine='trimmed_sum_times_difficulty')
    with pytest.raises(ValueError, match='combine'):
        MUSDLHead(4, num_judges=4, judge_range=(0, 10), combine='median')


def test_train_and_test_steps_through_sequence_assessor():
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='SequenceAssessor', temporal_pool='mean',
        head=dict(type='MUSDLHead', in_channels=8, num_judges=6,
                  judge_range=(1, 5), num_bins=5, judge_key='gt_items')))
    optim = build_optim_wrapper(model, dict(optimizer=dict(type='Adam',
                                                           lr=1e-2)))
    judges = [[1, 2, 3, 4, 5, 3], [5, 5, 4, 4, 3, 3]]
    batch = dict(inputs=dict(feat_rgb=[torch.randn(t, 8) for t in (3, 6)]),
                 data_samples=_samples(judges, key='gt_items'))
    first = model.train_step(batch, optim)['loss_kl'].item()
    for _ in range(40):
        last = model.train_step(batch, optim)['loss_kl'].item()
    assert last < first
    model.eval()
    out = model.test_step(batch)
    assert [s.pred_aqa_score.item() for s in out] == [18.0, 24.0]
