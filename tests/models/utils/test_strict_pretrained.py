import pytest
import torch
import torch.nn as nn
from mmengine.model import BaseModule

from aqa_mm.utils import UserError


class Net(BaseModule):
    def __init__(self, width=4, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.fc = nn.Linear(3, width)
        self.out = nn.Linear(width, 1)


def _save(tmp_path, state, name='ckpt.pth'):
    path = tmp_path / name
    torch.save(dict(state_dict=state, meta=dict(epoch=1)), path)
    return str(path)


def test_loads_with_prefix(tmp_path):
    src = Net()
    ckpt = _save(tmp_path, {f'encoder.{k}': v for k, v in
                            src.state_dict().items()})
    dst = Net(init_cfg=dict(type='StrictPretrained', checkpoint=ckpt,
                            prefix='encoder.'))
    dst.init_weights()
    assert torch.equal(dst.fc.weight, src.fc.weight)


def test_wrong_prefix_fails(tmp_path):
    ckpt = _save(tmp_path, Net().state_dict())
    dst = Net(init_cfg=dict(type='StrictPretrained', checkpoint=ckpt,
                            prefix='encoder.'))
    with pytest.raises(UserError,
                       match="no key starts with prefix 'encoder.'"):
        dst.init_weights()


def test_other_model_reports_missing_and_unexpected(tmp_path):
    other = nn.Sequential(nn.Linear(3, 4))
    ckpt = _save(tmp_path, other.state_dict())
    dst = Net(init_cfg=dict(type='StrictPretrained', checkpoint=ckpt))
    with pytest.raises(UserError, match=r'missing keys \[fc.bias, fc.weight, '
                       r'out.bias, out.weight\]; unexpected keys \[0.bias, '
                       r'0.weight\]'):
        dst.init_weights()


def test_shape_mismatch_is_named(tmp_path):
    ckpt = _save(tmp_path, Net(width=5).state_dict())
    dst = Net(init_cfg=dict(type='StrictPretrained', checkpoint=ckpt))
    with pytest.raises(UserError, match=r'fc.weight: \(5, 3\) vs \(4, 3\)'):
        dst.init_weights()


def test_ignore_missing_allows_new_head(tmp_path):
    src = Net()
    state = {k: v for k, v in src.state_dict().items() if k.startswith('fc')}
    ckpt = _save(tmp_path, state)
    dst = Net(init_cfg=dict(type='StrictPretrained', checkpoint=ckpt,
                            ignore_missing=('out.', )))
    dst.init_weights()
    assert torch.equal(dst.fc.bias, src.fc.bias)


def test_ignore_unexpected_allows_dropping_a_projection(tmp_path):
    src = Net()
    state = dict(src.state_dict(), **{'proj.weight': torch.ones(2)})
    ckpt = _save(tmp_path, state)
    strict = Net(init_cfg=dict(type='StrictPretrained', checkpoint=ckpt))
    with pytest.raises(UserError, match=r'unexpected keys \[proj.weight\]'):
        strict.init_weights()
    dst = Net(init_cfg=dict(type='StrictPretrained', checkpoint=ckpt,
                            ignore_unexpected=('proj.', )))
    dst.init_weights()
    assert torch.equal(dst.out.weight, src.out.weight)
