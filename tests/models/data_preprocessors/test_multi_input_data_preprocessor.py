import pytest
import torch

from aqa_mm.registry import MODELS


def test_stacks_each_key_and_normalises_listed_ones():
    pre = MODELS.build(dict(
        type='MultiInputDataPreprocessor',
        preprocessors=dict(imgs=dict(type='ActionDataPreprocessor',
                                     mean=[127.5] * 3, std=[127.5] * 3,
                                     format_shape='NCTHW'))))
    imgs = [torch.full((1, 3, 2, 4, 4), 255, dtype=torch.uint8)] * 2
    kps = [torch.ones(1, 5, 17, 3)] * 2
    out = pre(dict(inputs=dict(imgs=imgs, keypoint=kps), data_samples=None))
    assert out['inputs']['keypoint'].shape == (2, 1, 5, 17, 3)
    assert torch.allclose(out['inputs']['imgs'], torch.ones(1))


def test_mismatched_shapes_name_the_key():
    pre = MODELS.build(dict(type='MultiInputDataPreprocessor'))
    with pytest.raises(ValueError, match=r"inputs\['keypoint'\]"):
        pre(dict(inputs=dict(keypoint=[torch.ones(1, 5, 17, 3),
                                       torch.ones(1, 6, 17, 3)])))
    with pytest.raises(TypeError, match='dict of inputs'):
        pre(dict(inputs=[torch.ones(2)]))
