"""MLPProjector: Linear-BN-ReLU-...-Linear."""
import pytest
import torch
import torch.nn as nn

from aqa_mm.models.utils import MLPProjector
from aqa_mm.registry import MODELS


def test_two_layers_are_linear_bn_relu_linear():
    proj = MODELS.build(dict(type='MLPProjector', in_channels=8,
                             hidden_channels=6, out_channels=4))
    kinds = [type(m) for m in proj.layers]
    assert kinds == [nn.Linear, nn.BatchNorm1d, nn.ReLU, nn.Linear]
    assert proj.layers[0].bias is None          # BN's shift replaces it
    assert proj(torch.randn(5, 8)).shape == (5, 4)


@pytest.mark.parametrize('layers,norm,count', [(1, True, 1), (3, True, 3),
                                               (2, False, 2)])
def test_depth_and_norm(layers, norm, count):
    proj = MLPProjector(8, 6, 4, num_layers=layers, norm=norm)
    linears = [m for m in proj.layers if isinstance(m, nn.Linear)]
    assert len(linears) == count
    assert any(isinstance(m, nn.BatchNorm1d) for m in proj.layers) == (
        norm and layers > 1)
    assert proj(torch.randn(5, 8)).shape == (5, 4)


def test_is_nonlinear():
    proj = MLPProjector(8, 16, 4, norm=False)
    x, y = torch.randn(3, 8), torch.randn(3, 8)
    assert not torch.allclose(proj(x + y) + proj(torch.zeros(3, 8)),
                              proj(x) + proj(y), atol=1e-4)


def test_checks_input_and_depth():
    with pytest.raises(ValueError, match=r'\(N, 8\)'):
        MLPProjector(8, 6, 4)(torch.randn(5, 7))
    with pytest.raises(ValueError, match='num_layers'):
        MLPProjector(8, 6, 4, num_layers=0)
