"""CoReHead against the paper: the groups of score differences, the tree's
leaf probabilities, the loss, score = exemplar score + difference averaged
over exemplars, and the exemplar bank (training samples only, saved in the
state dict); a train/predict step through SequenceAssessor."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.optim import build_optim_wrapper

from aqa_mm.models.heads import CoReHead
from aqa_mm.models.heads.core_utils import (GroupRegressionTree,
                                            assign_groups, decode_groups,
                                            difference_group_bounds,
                                            group_intervals)
from aqa_mm.registry import MODELS
from tests.models.conftest import score_samples

BOUNDS = torch.tensor([0.0, 1.0, 3.0, 10.0])       # L = 6 leaves


def test_group_bounds_are_quantiles_of_the_pairwise_differences():
    # |deltas| of 0, 1, 3, 6: 1, 3, 6, 2, 5, 3 -> sorted 1 2 3 3 5 6
    bounds = difference_group_bounds([0, 1, 3, 6], num_leaves=4,
                                     score_range=10)
    assert bounds == (0.0, 3.0, 10.0)              # int(1/2 * 5) = 2 -> 3
    # pairs across classes do not count: |deltas| 1, 2 -> int(1/2 * 1) = 0
    # (with them, 1 2 49 50 51 52 would give 49, capped at 10)
    assert difference_group_bounds([0, 1, 50, 52], 4, 10, [0, 0, 1, 1]) \
        == (0.0, 1.0, 10.0)


def test_intervals_mirror_the_positive_half():
    assert group_intervals(BOUNDS).tolist() == [
        [-10, -3], [-3, -1], [-1, 0], [0, 1], [1, 3], [3, 10]]


def test_group_of_a_known_difference_and_its_position():
    delta = torch.tensor([2.0, -2.0, 0.0, 1.0, -1.0, 9.0, 12.0])
    labels, pos = assign_groups(delta, BOUNDS)
    # [1,3) -> 4 at 0.5; (-3,-1] -> 1 at 0.5; 0 -> [0,1) start; 1 -> [1,3)
    # start; -1 -> (-3,-1] end; 9 -> [3,10) at 6/7; beyond eps -> last
    assert labels.tolist() == [4, 1, 3, 4, 1, 5, 5]
    torch.testing.assert_close(
        pos, torch.tensor([0.5, 0.5, 0.0, 0.0, 1.0, 6 / 7, 9 / 7]))
    # decoding the true leaf at the true position gives delta back
    log_prob = F.one_hot(labels, 6).float().log()
    positions = pos[:, None].expand(-1, 6)
    torch.testing.assert_close(decode_groups(log_prob, positions, BOUNDS),
                               delta)


def test_leaf_probability_is_the_product_of_branch_probabilities():
    torch.manual_seed(0)
    tree = GroupRegressionTree(5, hidden_channels=4, depth=3)  # 4 leaves
    x = torch.randn(2, 5)
    log_prob, reg = tree(x)
    assert log_prob.shape == reg.shape == (2, 4)
    torch.testing.assert_close(log_prob.exp().sum(1), torch.ones(2))
    root = tree.root(x)[..., None]
    p0 = tree.classifiers[0](root).view(2, 2).softmax(-1)       # root
    p1 = tree.classifiers[1](tree.branches[0](root)).view(2, 2, 2) \
        .softmax(-1)                                            # children
    manual = (p0[:, :, None] * p1).reshape(2, 4)    # leaf 2j+b under j
    torch.testing.assert_close(log_prob.exp(), manual)


class _FixedTree(nn.Module):
    """Always leaf 3 ([1, 10)) at position 0.25: delta-hat = 3.25."""

    def forward(self, x):
        log_prob = torch.full((len(x), 4), -5.0)
        log_prob[:, 3] = -0.01
        return log_prob, torch.full((len(x), 4), 0.25)


def _head(**kwargs):
    cfg = dict(in_channels=3, score_range=10.0, depth=3, hidden_channels=8,
               group_bounds=(0.0, 1.0, 10.0), num_exemplars=3,
               bank_size=8)
    cfg.update(kwargs)
    return CoReHead(**cfg)


def test_score_is_the_mean_of_exemplar_score_plus_difference():
    head = _head()
    head.tree = _FixedTree()
    head.bank.update(torch.randn(4, 3), torch.tensor([10.0, 20.0, 30.0, 5.0]),
                     torch.tensor([0, 0, 0, 1]), torch.arange(4))
    samples = score_samples([0.0, 0.0])
    for s in samples:
        s.set_field(torch.tensor(0), 'class_id')
    out = head.eval().predict(torch.randn(2, 3), samples)
    # the three class-0 exemplars: mean(10, 20, 30) + 3.25
    assert [s.pred_aqa_score.item() for s in out] == [23.25, 23.25]


def test_loss_by_hand_and_the_bank_fills_only_in_training():
    torch.manual_seed(0)
    head = _head().train()
    x = torch.randn(2, 3)
    losses = head.loss(x, score_samples([4.0, 6.5]))
    assert len(head.bank) == 2
    # two samples: each is the other's exemplar
    feats = torch.cat([x, x.flip(0), torch.tensor([[0.65], [0.4]])], dim=1)
    labels, pos = assign_groups(torch.tensor([-2.5, 2.5]), head.bounds)
    log_prob, reg = head.tree(feats)
    torch.testing.assert_close(losses['loss_cls'],
                               F.nll_loss(log_prob, labels))
    manual = sum((reg[i, labels[i]] - pos[i]) ** 2 for i in range(2))
    torch.testing.assert_close(losses['loss_reg'], manual)
    head.eval()
    head.loss(torch.randn(3, 3), score_samples([1.0, 2.0, 3.0]))
    head.predict(torch.randn(3, 3), score_samples([1.0, 2.0, 3.0]))
    assert len(head.bank) == 2                     # eval adds nothing


def test_bank_keeps_one_row_per_sample_and_lives_in_the_state_dict():
    head = _head().train()
    x = torch.randn(2, 3)
    for _ in range(3):
        head.loss(x, score_samples([4.0, 6.5]))
    assert len(head.bank) == 2                     # same frame_dirs
    state = head.state_dict()
    assert {'bank.feats', 'bank.scores', 'bounds'} <= set(state)
    fresh = _head()
    fresh.load_state_dict(state)
    fresh.eval()
    torch.testing.assert_close(fresh(x), head.eval()(x))


def test_empty_bank_and_lonely_first_sample():
    head = _head().train()
    losses = head.loss(torch.randn(1, 3), score_samples([4.0]))
    assert losses['loss_cls'].item() == 0.0        # no pair yet
    with pytest.raises(RuntimeError, match='no training sample of class 0'):
        _head().eval().predict(torch.randn(1, 3), score_samples([1.0]))
    with pytest.raises(ValueError, match='non-decreasing values from 0'):
        _head(group_bounds=(0.0, 2.0, 1.0))


def test_group_bounds_from_an_annotation_file(tmp_path):
    import pickle
    ann = dict(split=dict(train=['a', 'b', 'c', 'd'], test=['e']),
               annotations=[dict(frame_dir=k, score=s) for k, s in
                            zip('abcde', [0, 1, 3, 6, 100])])
    path = tmp_path / 'ann.pkl'
    path.write_bytes(pickle.dumps(ann))
    head = _head(group_bounds=dict(ann_file=str(path), split='train'))
    assert head.bounds.tolist() == [0.0, 3.0, 10.0]   # test score unused


def test_train_and_test_steps_through_sequence_assessor():
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='SequenceAssessor', temporal_pool='mean',
        head=dict(type='CoReHead', in_channels=8, score_range=4.0, depth=3,
                  hidden_channels=16, num_exemplars=2, bank_size=16)))
    optim = build_optim_wrapper(model, dict(optimizer=dict(type='Adam',
                                                           lr=1e-3)))
    train = dict(inputs=dict(feat_rgb=[torch.randn(t, 8) for t in (3, 5, 4)]),
                 data_samples=score_samples([10.0, 11.0, 12.0]))
    losses = model.train_step(train, optim)
    assert {'loss_cls', 'loss_reg'} <= set(losses)
    assert len(model.head.bank) == 3
    model.eval()
    test = dict(inputs=dict(feat_rgb=[torch.randn(t, 8) for t in (2, 7)]),
                data_samples=score_samples([0.0, 0.0]))
    out = model.test_step(test)
    scores = [s.pred_aqa_score.item() for s in out]
    # exemplar score (10-12) + a difference within [-4, 4]
    assert all(6.0 <= s <= 16.0 for s in scores)
    assert len(model.head.bank) == 3               # test samples not added
    again = model.test_step(test)                  # seeded exemplar draws
    assert [s.pred_aqa_score.item() for s in again] == scores
