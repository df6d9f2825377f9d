"""SequenceDataPreprocessor: end-padding and the mask."""
import pytest
import torch

from aqa_mm.models.data_preprocessors import SequenceDataPreprocessor


def test_pads_to_the_longest_and_masks():
    seqs = [torch.ones(3, 4), 2 * torch.ones(5, 4), 3 * torch.ones(4)]
    out = SequenceDataPreprocessor()(dict(inputs=dict(feat_rgb=seqs),
                                          data_samples=None))
    x, mask = out['inputs']['feat_rgb'], out['inputs']['feat_rgb_mask']
    assert x.shape == (3, 5, 4) and mask.dtype == torch.bool
    assert mask.sum(1).tolist() == [3, 5, 1]   # a (C,) vector is one clip
    assert (x[0, :3] == 1).all() and (x[0, 3:] == 0).all()
    assert (x[2, 0] == 3).all() and (x[2, 1:] == 0).all()


def test_errors_name_the_key():
    pre = SequenceDataPreprocessor()
    with pytest.raises(ValueError, match=r"inputs\['feat_rgb'\].*one C"):
        pre(dict(inputs=dict(feat_rgb=[torch.ones(2, 3), torch.ones(2, 4)])))
    with pytest.raises(KeyError, match="no input 'feat_rgb'"):
        pre(dict(inputs=dict(imgs=[torch.ones(2, 3)])))
    with pytest.raises(TypeError, match='dict of inputs'):
        pre(dict(inputs=[torch.ones(2, 3)]))
