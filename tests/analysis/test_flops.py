"""aqa_mm.analysis.flops and tools/analysis/get_flops.py: shapes read from
configs, per-part counts that add up, the Table 10 layout."""
import importlib.util
import json
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from aqa_mm.analysis.flops import (PAPER_TABLE10, complexity_table,
                                   default_shapes, model_complexity)
from aqa_mm.registry import MODELS
from aqa_mm.utils import register_all_modules

ROOT = Path(__file__).resolve().parents[2]


def test_default_shapes_are_the_test_time_inputs():
    register_all_modules()
    aqa7 = default_shapes(Config.fromfile(
        str(ROOT / 'configs' / '2maf' / '2maf_aqa7.py')))
    assert aqa7 == dict(rgb=(10, 3, 16, 224, 224),
                        skeleton=(1, 1, 103, 17, 3))
    synth = default_shapes(Config.fromfile(
        str(ROOT / 'configs' / '2maf' / '2maf_synthetic.py')))
    assert synth == dict(rgb=(2, 3, 16, 112, 112), skeleton=(1, 1, 64, 17, 3))


def test_parts_add_up_and_scale_with_the_input():
    register_all_modules()
    torch.set_num_threads(1)
    cfg = Config.fromfile(str(ROOT / 'configs' / '2maf' / '2maf_aqa7.py'))
    model = MODELS.build(cfg.model)
    small = dict(rgb=(1, 3, 8, 32, 32), skeleton=(1, 1, 16, 17, 3))
    rows = model_complexity(model, small)
    assert set(rows) == {'rgb', 'skeleton', 'head', 'total'}
    parts = sum(rows[k]['flops'] for k in ('rgb', 'skeleton', 'head'))
    assert rows['total']['flops'] == pytest.approx(parts, rel=0.01)
    assert rows['total']['params'] == sum(
        p.numel() for p in model.parameters())
    # I3D: Inception-v1 I3D with the 400-way logits the config keeps
    assert 12.2e6 < rows['rgb']['params'] < 12.8e6
    # fc_skeleton, fc_rgb and fc_select on concat(F^s, F^r)
    assert rows['head']['params'] == (256 + 1) + (1024 + 1) + (1280 * 2 + 2)
    two = model_complexity(model, dict(small, rgb=(2, 3, 8, 32, 32)))
    assert two['rgb']['flops'] == 2 * rows['rgb']['flops']
    table = complexity_table(rows)
    assert table.splitlines()[0].startswith('| part | params (M) | GFLOPs')
    assert '| 2M-AF total |' in table and '| 14.78 | 168.21 |' in table
    assert PAPER_TABLE10['SME-GCN'] == (3.72, 15.3)


def test_get_flops_tool(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location(
        'get_flops', ROOT / 'tools' / 'analysis' / 'get_flops.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    torch.set_num_threads(1)
    out = tmp_path / 'flops.json'
    assert tool.main([str(ROOT / 'configs' / '2maf' / '2maf_synthetic.py'),
                      '--rgb-shape', '1', '8', '32', '32',
                      '--skeleton-shape', '1', '1', '16', '17', '3',
                      '--out-json', str(out)]) == 0
    printed = capsys.readouterr().out
    assert 'rgb (1, 3, 8, 32, 32)' in printed
    assert '| Skeleton stream (SME-GCN) |' in printed
    rows = json.loads(out.read_text())['rows']
    assert rows['skeleton']['params'] < rows['rgb']['params']
    with pytest.raises(SystemExit) as info:
        tool.main([str(tmp_path / 'missing.py')])
    assert info.value.code == 2
    assert 'missing.py' in capsys.readouterr().err
