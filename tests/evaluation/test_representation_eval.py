"""kNN / linear-probe top-1 and feature extraction of representation_eval,
on tiny synthetic features and mmaction2-style skeleton batches."""
import numpy as np
import pytest
import torch
from mmaction.datasets.transforms import FormatGCNInput, PackActionInputs
from mmaction.structures import ActionDataSample
from mmengine.dataset import default_collate, pseudo_collate
from torch import nn

from aqa_mm.evaluation import (evaluate_representation, extract_features,
                               knn_top1, linear_probe_top1)


def knn_reference(train, y_train, test, y_test, k, temperature):
    """InstDisc's weighted vote, one query at a time, in plain numpy."""
    train = train / np.linalg.norm(train, axis=1, keepdims=True)
    correct = 0
    for q, label in zip(test, y_test):
        q = q / np.linalg.norm(q)
        sims = [float(q @ t) for t in train]
        order = sorted(range(len(sims)), key=lambda i: -sims[i])[:k]
        votes = {}
        for i in order:
            votes[y_train[i]] = votes.get(y_train[i], 0.0) + np.exp(
                sims[i] / temperature)
        correct += max(votes, key=votes.get) == label
    return 100.0 * correct / len(test)


def clusters(n_per_class, num_classes, dim, noise, seed):
    """Gaussian clusters around random centres; (N, dim), (N,)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(num_classes, dim)) * 3
    labels = np.repeat(np.arange(num_classes), n_per_class)
    feats = centres[labels] + noise * rng.normal(size=(len(labels), dim))
    return feats.astype(np.float32), labels


@pytest.mark.parametrize('k,temperature', [(1, 0.1), (5, 0.07), (20, 0.5),
                                           (500, 0.1)])
def test_knn_matches_brute_force_loop(k, temperature):
    rng = np.random.default_rng(k)
    train, test = rng.normal(size=(60, 8)), rng.normal(size=(25, 8))
    y_train, y_test = rng.integers(0, 4, 60), rng.integers(0, 4, 25)
    expected = knn_reference(train, y_train, test, y_test, min(k, 60),
                             temperature)
    got = knn_top1(train, y_train, test, y_test, k=k,
                   temperature=temperature)
    assert got == pytest.approx(expected, abs=1e-9)
    assert 0 < got < 100   # random labels: neither trivially 0 nor 100
    assert got == knn_top1(torch.as_tensor(train), torch.as_tensor(y_train),
                           torch.as_tensor(test), torch.as_tensor(y_test),
                           k=k, temperature=temperature)  # deterministic


def test_knn_separable_is_100_and_weights_matter():
    train, y_train = clusters(20, 5, 16, 0.1, seed=0)
    test, y_test = clusters(10, 5, 16, 0.1, seed=0)
    assert knn_top1(train, y_train, test, y_test) == 100.0
    # one close neighbour of class 0, four far ones of class 1: the
    # exp(sim / T) weights (not a majority count) decide for class 0
    train = np.array([[1.0, 0.0]] + [[0.0, 1.0]] * 4)
    query = np.array([[1.0, 0.05]])
    assert knn_top1(train, [0, 1, 1, 1, 1], query, [0], k=5,
                    temperature=0.1) == 100.0
    assert knn_top1(train, [0, 1, 1, 1, 1], query, [0], k=5,
                    temperature=100.0) == 0.0


def test_probe_separable_and_random_labels():
    """Ten well-separated Gaussian clusters in 32-d, split 2:1."""
    feats, labels = clusters(60, 10, 32, 1.0, seed=3)
    test = np.arange(len(labels)) % 3 == 0
    x_train, y_train = feats[~test], labels[~test]
    x_test, y_test = feats[test], labels[test]
    assert linear_probe_top1(x_train, y_train, x_test, y_test) > 95
    rng = np.random.default_rng(4)
    random_train = rng.integers(0, 10, len(y_train))
    random_test = rng.integers(0, 10, len(y_test))
    acc = linear_probe_top1(x_train, random_train, x_test, random_test)
    assert acc < 20            # chance is 10 %
    assert linear_probe_top1(x_train, y_train, x_test, y_test, seed=1) == \
        linear_probe_top1(x_train, y_train, x_test, y_test, seed=1)


def test_probe_standardises_with_train_statistics_only():
    """A test set shifted by +5: train statistics keep the shift (all of
    it lands in class 1, 50 %); test statistics would remove it (100 %)."""
    x_train = np.linspace(-1, 1, 40)[:, None]
    y_train = (x_train[:, 0] > 0).astype(int)
    acc = linear_probe_top1(x_train, y_train, x_train + 5, y_train)
    assert acc == 50.0
    assert linear_probe_top1(x_train, y_train, x_train, y_train) == 100.0


def test_errors_name_the_bad_shape():
    good, labels = np.zeros((4, 3)), np.zeros(4, int)
    with pytest.raises(ValueError, match=r'train_feats .*got shape '
                       r'\(4, 3, 2\)'):
        knn_top1(np.zeros((4, 3, 2)), labels, good, labels)
    with pytest.raises(ValueError, match=r'test_labels must be \(4,\).*'
                       r'got shape \(5,\)'):
        linear_probe_top1(good, labels, good, np.zeros(5, int))
    with pytest.raises(ValueError, match=r'\(4, 3\) and .*\(4, 2\) differ'):
        knn_top1(good, labels, np.zeros((4, 2)), labels)
    with pytest.raises(ValueError, match='k >= 1'):
        knn_top1(good, labels, good, labels, k=0)


class PooledEncoder(nn.Module):
    """(B, M, T, V, C) -> (B, 2): [mean, 10 * training flag]; ``forward``
    (unused when forward_pooled exists) returns garbage."""

    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm1d(1)

    def forward_pooled(self, x):
        flag = torch.full((x.shape[0],), 10.0 * self.training)
        return torch.stack([x.mean(dim=(1, 2, 3, 4)), flag], 1)

    def forward(self, x):
        return torch.full((x.shape[0], 7), float('nan'))


def packed(value, label):
    """One sample through the real FormatGCNInput + PackActionInputs."""
    results = dict(keypoint=np.full((1, 6, 5, 3), value, np.float32),
                   label=label)
    return PackActionInputs()(FormatGCNInput(num_person=1)(results))


def test_extract_features_from_packed_batches_and_restores_mode():
    samples = [packed(float(i), i % 3) for i in range(5)]
    encoder = PooledEncoder().train()
    encoder.bn.eval()                     # a mixed state must come back
    for collate in (pseudo_collate, default_collate):
        loader = [collate(samples[:3]), collate(samples[3:])]
        feats, labels = extract_features(encoder, loader)
        assert feats.dtype == torch.float32 and labels.dtype == torch.int64
        assert feats.tolist() == [[float(i), 0.0] for i in range(5)]
        assert labels.tolist() == [0, 1, 2, 0, 1]
        assert encoder.training and not encoder.bn.training


def test_extract_features_without_forward_pooled_and_clip_mean():
    encoder = nn.Flatten(1)               # (B, 1, 1, 1, 2) -> (B, 2)
    sample = ActionDataSample()
    sample.gt_label = torch.tensor([4])   # the mmaction2 >= 1.2 field
    clips = torch.tensor([[1.0, 2.0], [3.0, 6.0]]).view(2, 1, 1, 1, 2)
    batch = dict(inputs=[clips, clips[:1, 0]], data_samples=[sample] * 2)
    with pytest.raises(ValueError, match='different shapes'):
        extract_features(encoder, [batch])
    batch['inputs'] = [clips, clips.flip(0)]
    feats, labels = extract_features(encoder, [batch])
    assert feats.tolist() == [[2.0, 4.0]] * 2 and labels.tolist() == [4, 4]
    with pytest.raises(ValueError, match=r'got a batch of shape \(2, 2\)'):
        extract_features(encoder, [dict(inputs=torch.zeros(2, 2),
                                        data_samples=[sample] * 2)])


def test_evaluate_representation_combines_both():
    train = [packed(float(v), v % 2) for v in (-3, -2, 5, 6, -4, 7)]
    test = [packed(float(v), v % 2) for v in (-5, 8)]
    out = evaluate_representation(
        PooledEncoder(), [pseudo_collate(train)], [pseudo_collate(test)],
        k=2, temperature=0.1)
    assert out['num_train'] == 6 and out['num_test'] == 2
    assert out['feat_dim'] == 2 and 'knn_top1' in out and 'probe_top1' in out
    assert 'probe_top1' not in evaluate_representation(
        PooledEncoder(), [pseudo_collate(train)], [pseudo_collate(test)],
        probe=False)
