"""PFMHead: preference labels, selection semantics, losses, fallback."""
import pytest
import torch

from aqa_mm.models.heads import PFMHead, preference_labels
from tests.models.conftest import score_samples


def feats(n=4, cs=8, cr=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    return dict(skeleton=torch.randn(n, cs, generator=g),
                rgb=torch.randn(n, cr, generator=g))


def test_preference_label_is_closest_stream_and_ties_go_to_skeleton():
    scores = torch.tensor([[1.0, 3.0], [5.0, 2.0], [4.0, 6.0], [0.0, 0.0]])
    y = torch.tensor([1.5, 2.5, 5.0, 0.0])
    # sample 2: |4-5| == |6-5| -> tie -> skeleton (0); sample 3 exact tie
    assert preference_labels(scores, y).tolist() == [0, 1, 0, 0]


def test_hard_fusion_takes_score_of_argmax_column_0_skeleton():
    head = PFMHead(skeleton_channels=8, rgb_channels=16)
    scores = torch.tensor([[10.0, 20.0], [30.0, 40.0]])
    logits = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    final, chosen, prob = head.fuse(scores, logits)
    assert final.tolist() == [10.0, 40.0]
    assert chosen.tolist() == [0, 1]
    assert torch.allclose(prob.sum(1), torch.ones(2))


def test_soft_fusion_weights_by_probability():
    head = PFMHead(skeleton_channels=8, rgb_channels=16, fusion='soft')
    scores = torch.tensor([[10.0, 20.0]])
    logits = torch.log(torch.tensor([[0.25, 0.75]]))
    final, _, _ = head.fuse(scores, logits)
    assert final.item() == pytest.approx(17.5)


def test_fallback_overrides_selector():
    head = PFMHead(skeleton_channels=8, rgb_channels=16)
    head.fallback_stream.fill_(1)
    final, chosen, _ = head.fuse(torch.tensor([[1.0, 2.0]]),
                                 torch.tensor([[5.0, 0.0]]))
    assert final.item() == 2.0 and chosen.tolist() == [1]
    assert 'fallback_stream' in head.state_dict()


def test_loss_keys_and_online_labels_match_eq5():
    head = PFMHead(skeleton_channels=8, rgb_channels=16, score_mean=50,
                   score_std=10)
    f, y = feats(), [40.0, 55.0, 60.0, 70.0]
    losses = head.loss(f, score_samples(y))
    assert sorted(k for k in losses if k.startswith('loss_')) == [
        'loss_rgb_mae', 'loss_rgb_mse', 'loss_selection',
        'loss_skeleton_mae', 'loss_skeleton_mse']
    # recompute Eq. 5-9 by hand
    out = head(f)
    target = (torch.tensor(y) - 50) / 10
    labels = (out['scores'] - target[:, None]).abs().argmin(1)
    ce = torch.nn.functional.cross_entropy(out['logits'], labels)
    assert torch.allclose(losses['loss_selection'], ce)
    mse_s = ((out['scores'][:, 0] - target) ** 2).mean()
    assert torch.allclose(losses['loss_skeleton_mse'], mse_s)
    total = sum(v for k, v in losses.items() if k.startswith('loss_'))
    total.backward()
    assert head.fc_select.weight.grad is not None
    assert head.fc_skeleton.weight.grad is not None


def test_mse_only_and_mae_only_variants():
    f, s = feats(), score_samples([1.0, 2.0, 3.0, 4.0])
    mse = PFMHead(8, 16, loss_weights=(1.0, 0.0)).loss(f, s)
    mae = PFMHead(8, 16, loss_weights=(0.0, 1.0)).loss(f, s)
    assert not any('mae' in k for k in mse)
    assert not any('mse' in k for k in mae)


def test_given_preferences_are_used_and_missing_ones_named():
    head = PFMHead(8, 16, preference='given')
    f = feats()
    losses = head.loss(f, score_samples([1, 2, 3, 4], prefs=[1, 1, 0, 1]))
    logits = head(f)['logits']
    expect = torch.nn.functional.cross_entropy(
        logits, torch.tensor([1, 1, 0, 1]))
    assert torch.allclose(losses['loss_selection'], expect)
    with pytest.raises(KeyError, match="'s0'.*gt_preference"):
        head.loss(f, score_samples([1, 2, 3, 4]))


def test_detach_selection_stops_selector_gradient_at_features():
    f = {k: v.requires_grad_() for k, v in feats().items()}
    head = PFMHead(8, 16, detach_selection=True)
    head.loss(f, score_samples([1, 2, 3, 4]))['loss_selection'].backward()
    assert f['rgb'].grad is None and f['skeleton'].grad is None
    f = {k: v.detach().requires_grad_() for k, v in feats().items()}
    head = PFMHead(8, 16, detach_selection=False)
    head.loss(f, score_samples([1, 2, 3, 4]))['loss_selection'].backward()
    assert f['rgb'].grad is not None


def test_predict_fields_and_score_scale():
    head = PFMHead(8, 16, score_mean=50, score_std=10, concat_stream=True,
                   rgb_proj_channels=4)
    f = feats()
    out = head.predict(f, score_samples([1, 2, 3, 4]))
    raw = head(f)
    for i, s in enumerate(out):
        stream = int(s.pred_stream)
        expect = raw['scores'][i, stream] * 10 + 50
        assert s.pred_aqa_score.item() == pytest.approx(expect.item(),
                                                        rel=1e-5)
        assert s.pred_score_skeleton.item() == pytest.approx(
            (raw['scores'][i, 0] * 10 + 50).item(), rel=1e-5)
        assert 'pred_score_concat' in s and 0 <= s.pred_prob_rgb <= 1
        assert int(s.pred_stream_selector) == raw['logits'][i].argmax()


def test_bad_feature_shapes_are_named():
    head = PFMHead(8, 16)
    with pytest.raises(ValueError, match="'rgb' must be \\(N, 16\\)"):
        head(dict(skeleton=torch.zeros(2, 8), rgb=torch.zeros(2, 15)))
    with pytest.raises(KeyError, match="'skeleton'"):
        head(dict(rgb=torch.zeros(2, 16)))
    with pytest.raises(ValueError, match='fusion'):
        PFMHead(fusion='mean')
