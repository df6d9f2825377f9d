import os

import pytest
import torch
from mmengine.model import BaseModel

from aqa_mm.registry import MODELS

# benchmarks/gpu_check.py sets cuda; on the CPU the device-move test uses
# the meta device, which follows the same code paths without a GPU.
DEVICE = os.environ.get('AQA_TEST_DEVICE', 'cpu')
NORMALISE_IMGS = dict(imgs=dict(type='ActionDataPreprocessor',
                                mean=[127.5] * 3, std=[127.5] * 3,
                                format_shape='NCTHW'))


def test_stacks_each_key_and_normalises_listed_ones():
    pre = MODELS.build(dict(type='MultiInputDataPreprocessor',
                            preprocessors=NORMALISE_IMGS))
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


class _Model(BaseModel):
    """The smallest model holding the preprocessor, as assessors do."""

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return inputs


def test_model_move_takes_every_key_and_nested_preprocessor_along():
    """model.to(device) moves the nested ActionDataPreprocessor (and its
    mean/std) too, so both keys come out on the model's device."""
    device = torch.device('meta' if DEVICE == 'cpu' else DEVICE)
    model = _Model(data_preprocessor=dict(
        type='MultiInputDataPreprocessor',
        preprocessors=NORMALISE_IMGS)).to(device)
    imgs = [torch.full((1, 3, 2, 4, 4), 255, dtype=torch.uint8)] * 2
    kps = [torch.ones(1, 5, 17, 3)] * 2
    out = model.data_preprocessor(dict(inputs=dict(imgs=imgs, keypoint=kps),
                                       data_samples=None))['inputs']
    assert out['imgs'].device == out['keypoint'].device == device
    assert out['imgs'].shape == (2, 1, 3, 2, 4, 4)  # [N, clips, C, T, H, W]
    if device.type != 'meta':
        assert torch.allclose(out['imgs'].cpu(), torch.ones(1))
