"""SequenceAssessor: the masked clip mean for pooled heads, the sequence and
mask for sequence heads, through mmengine's train/test steps."""
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.optim import build_optim_wrapper

from aqa_mm.models.assessors import masked_mean
from aqa_mm.registry import MODELS


def _batch(lengths, channels=16):
    samples = []
    for i, _ in enumerate(lengths):
        s = ActionDataSample()
        s.set_field(torch.tensor(10.0 + i), 'gt_score')
        samples.append(s)
    return dict(inputs=dict(feat_rgb=[torch.randn(t, channels)
                                      for t in lengths]),
                data_samples=samples)


def test_masked_mean_ignores_padding():
    x = torch.tensor([[[1.0], [3.0], [100.0]], [[2.0], [4.0], [6.0]]])
    mask = torch.tensor([[True, True, False], [True, True, True]])
    torch.testing.assert_close(masked_mean(x, mask),
                               torch.tensor([[2.0], [4.0]]))


@pytest.mark.parametrize('pool,head', [
    ('mean', dict(type='AQARegressionHead', in_channels=16,
                  score_mean=11.0, score_std=1.0)),
    (None, dict(type='GDLTHead', in_channels=16, hidden_dim=8,
                score_max=12.0)),
])
def test_train_and_test_steps(pool, head):
    torch.manual_seed(0)
    model = MODELS.build(dict(type='SequenceAssessor', temporal_pool=pool,
                              head=head))
    optim = build_optim_wrapper(model, dict(optimizer=dict(type='SGD',
                                                           lr=0.01)))
    losses = model.train_step(_batch([3, 5, 4]), optim)
    assert losses and all(torch.isfinite(v) for v in losses.values())
    model.eval()
    out = model.test_step(_batch([2, 7]))
    assert [s.pred_aqa_score.shape for s in out] == [(), ()]


def test_pooled_prediction_equals_head_on_the_clip_mean():
    torch.manual_seed(0)
    model = MODELS.build(dict(type='SequenceAssessor', temporal_pool='mean',
                              head=dict(type='AQARegressionHead',
                                        in_channels=16))).eval()
    batch = _batch([3, 6])
    seqs = batch['inputs']['feat_rgb']
    out = model.test_step(batch)
    for seq, sample in zip(seqs, out):
        expected = model.head.to_score(model.head(seq.mean(0, keepdim=True)))
        assert abs(sample.pred_aqa_score.item() - expected.item()) < 1e-5


def test_errors():
    with pytest.raises(ValueError, match='temporal_pool'):
        MODELS.build(dict(type='SequenceAssessor', temporal_pool='max',
                          head=dict(type='AQARegressionHead', in_channels=4)))
    model = MODELS.build(dict(type='SequenceAssessor', head=dict(
        type='GDLTHead', in_channels=4, hidden_dim=4)))
    with pytest.raises(KeyError, match="'feat_rgb_mask'"):
        model(dict(feat_rgb=torch.randn(1, 2, 4)), mode='tensor')
