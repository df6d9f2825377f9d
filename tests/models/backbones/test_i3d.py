"""I3D: key-for-key compatibility with pytorch-i3d's rgb_imagenet.pt, size,
shapes and checkpoint loading through StrictPretrained."""
import json
from pathlib import Path

import pytest
import torch

from aqa_mm.models.backbones.i3d import I3D
from aqa_mm.models.backbones.i3d_utils import same_padding
from aqa_mm.utils import UserError

FIXTURE = Path(__file__).parent / 'fixtures' / \
    'pytorch_i3d_rgb_imagenet_keys.json'
PARAMS_NO_LOGITS = 12_287_264  # the paper's "about 12.3M"
PARAMS_LOGITS = 12_697_264     # + the 400-way Kinetics logits (1024*400+400)


def _official_keys() -> dict:
    with open(FIXTURE) as f:
        return {k: tuple(shape) for k, shape in json.load(f)['keys']}


def _random_stats(model: I3D) -> I3D:
    """Non-trivial BatchNorm statistics, so a load is visible."""
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm3d):
            m.running_mean.normal_(0, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    return model


def test_state_dict_matches_pytorch_i3d_keys_and_shapes():
    official = _official_keys()
    assert len(official) == 287
    ours = {k: tuple(v.shape) for k, v in I3D().state_dict().items()}
    assert sorted(set(official) - set(ours)) == []
    assert sorted(set(ours) - set(official)) == []
    assert {k: s for k, s in ours.items() if official[k] != s} == {}


def test_without_logits_only_the_logits_keys_are_missing():
    official = _official_keys()
    ours = set(I3D(num_classes=None).state_dict())
    assert set(official) - ours == {'logits.conv3d.weight',
                                    'logits.conv3d.bias'}


def test_parameter_count():
    model = I3D()
    assert sum(p.numel() for p in model.parameters()) == PARAMS_LOGITS
    # logits is frozen: only the 12.3M feature extractor trains
    assert sum(p.numel() for p in model.parameters()
               if p.requires_grad) == PARAMS_NO_LOGITS
    assert sum(p.numel() for p in I3D(num_classes=None).parameters()) \
        == PARAMS_NO_LOGITS


def test_same_padding_is_tensorflow_same():
    # out = ceil(size / stride); total pad = (out - 1) * stride + k - size,
    # the extra element at the end; F.pad order (W, H, T)
    assert same_padding((16, 7, 8), (7, 3, 3), (2, 2, 2)) == \
        [0, 1, 1, 1, 2, 3]
    assert same_padding((5, 5, 5), (1, 1, 1), (1, 1, 1)) == [0] * 6


@torch.no_grad()
def test_output_shapes_small_clip():
    torch.manual_seed(0)
    model = I3D(num_classes=10).eval()
    x = torch.rand(2, 3, 16, 64, 64) * 2 - 1
    feat_map = model.forward_map(x)
    assert feat_map.shape == (2, 1024, 2, 2, 2)  # stride (8, 32, 32)
    feat = model(x)
    assert feat.shape == (2, 1024)
    # a map no larger than 2x7x7 is pooled to its plain mean
    assert torch.allclose(feat, feat_map.mean(dim=(2, 3, 4)), atol=1e-6)
    assert model.kinetics_logits(x).shape == (2, 10)
    model.out_type = 'map'
    assert model(x).shape == (2, 1024, 2, 2, 2)


def test_pooling_is_i3d_avg_pool_then_mean():
    feat_map = torch.rand(1, 4, 3, 9, 8)
    pooled = I3D.avg_pool(feat_map)
    assert pooled.shape == (1, 4, 2, 3, 2)  # 2x7x7 window, stride 1
    expected = torch.nn.functional.avg_pool3d(feat_map, (2, 7, 7), 1)
    assert torch.allclose(pooled, expected)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r'\(N, 3, T, H, W\).*\(2, 16, 3, '
                       r'64, 64\)'):
        I3D(num_classes=None)(torch.rand(2, 16, 3, 64, 64))
    with pytest.raises(ValueError, match='out_type must be one of'):
        I3D(out_type='probabilities')


def test_strict_pretrained_round_trip(tmp_path):
    """A bare state dict under the official names, as rgb_imagenet.pt is
    (saved by PyTorch 0.3: no metadata, no num_batches_tracked)."""
    torch.manual_seed(0)
    src = _random_stats(I3D()).eval()
    state = dict(src.state_dict())  # plain dict: drops PyTorch's _metadata
    assert set(state) == set(_official_keys())
    path = tmp_path / 'rgb_imagenet.pt'
    torch.save(state, path)
    dst = I3D(init_cfg=dict(type='StrictPretrained', checkpoint=str(path)))
    dst.init_weights()
    dst.eval()
    for key, value in src.state_dict().items():
        assert torch.equal(dst.state_dict()[key], value), key
    x = torch.rand(1, 3, 8, 32, 32) * 2 - 1
    with torch.no_grad():
        assert torch.equal(dst(x), src(x))


def test_strict_pretrained_without_logits_names_them(tmp_path):
    path = tmp_path / 'rgb_imagenet.pt'
    torch.save(I3D().state_dict(), path)
    model = I3D(num_classes=None,
                init_cfg=dict(type='StrictPretrained', checkpoint=str(path)))
    with pytest.raises(UserError, match=r'unexpected keys \[logits.conv3d'
                       r'.bias, logits.conv3d.weight\]'):
        model.init_weights()


def test_loads_a_checkpoint_that_has_batch_counts():
    """Re-saved by a newer PyTorch: load_state_dict drops the counts."""
    state = dict(I3D().state_dict())
    state['Conv3d_1a_7x7.bn.num_batches_tracked'] = torch.tensor(5)
    result = I3D().load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys


def test_frozen_and_norm_eval():
    model = I3D(frozen=True).train()
    assert not any(p.requires_grad for p in model.parameters())
    assert not model.Conv3d_1a_7x7.bn.training
    model = I3D(norm_eval=True).train()
    assert model.Mixed_5c.b0.conv3d.weight.requires_grad
    assert not model.Mixed_5c.b0.bn.training
    assert model.Mixed_5c.training


@torch.no_grad()
def test_logits_output_type():
    torch.manual_seed(0)
    model = I3D(num_classes=7, out_type='logits').eval()
    x = torch.rand(2, 3, 16, 64, 64) * 2 - 1
    logits = model(x)
    assert logits.shape == (2, 7)
    assert torch.equal(logits, model.kinetics_logits(x))
    # the logits layer applied to the pooled map, then averaged
    pooled = I3D.avg_pool(model.forward_map(x))
    assert torch.allclose(logits, model.logits(pooled).mean(dim=(2, 3, 4)))
    with pytest.raises(ValueError, match="out_type='logits' needs"):
        I3D(num_classes=None, out_type='logits')
