"""tools/analysis/eval_representation.py on the NW-UCLA pretraining config
with a tiny fake annotation file and a 1/4-width encoder."""
import importlib.util
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config

from aqa_mm.engine.hooks.representation_eval_hook import build_eval_loader
from aqa_mm.evaluation import evaluate_representation
from aqa_mm.registry import MODELS
from aqa_mm.utils import merge_cfg_options, register_all_modules

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/sme_gcn/transfer/nw_ucla_xview_pretrain.py'


def _tool():
    spec = importlib.util.spec_from_file_location(
        'tool_eval_representation',
        ROOT / 'tools' / 'analysis' / 'eval_representation.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _annotations(path: Path) -> None:
    """6 train / 4 test sequences of 12 frames, 20 joints, 3 classes."""
    rng = np.random.default_rng(0)
    annos, split = [], dict(xview_train=[], xview_val=[])
    for i in range(10):
        name = 'xview_train' if i < 6 else 'xview_val'
        annos.append(dict(frame_dir=f's{i}', label=i % 3, total_frames=12,
                          keypoint=rng.normal(size=(1, 12, 20, 3)).astype(
                              np.float32)))
        split[name].append(f's{i}')
    path.write_bytes(pickle.dumps(dict(split=split, annotations=annos)))


def _options(ann: Path, width: int = 16) -> dict:
    opts = {'model.backbone.base_channels': width}
    for key in ('train_dataset', 'test_dataset'):
        opts[f'custom_hooks.2.{key}.ann_file'] = str(ann)
        opts[f'custom_hooks.2.{key}.pipeline.2.clip_len'] = 8
    return opts


def _checkpoint(ann: Path, path: Path, width: int, epoch: int):
    register_all_modules()
    cfg = Config.fromfile(CONFIG)
    merge_cfg_options(cfg, _options(ann, width))
    torch.manual_seed(epoch)
    model = MODELS.build(cfg.model)
    model.init_weights()
    torch.save(dict(meta=dict(epoch=epoch), state_dict=model.state_dict()),
               path)
    return cfg, model


def _argv(ann, *extra):
    return [*extra, '--cfg-options',
            *[f'{k}={v}' for k, v in _options(ann).items()]]


def test_evaluates_each_checkpoint_and_writes_json(tmp_path, capsys):
    ann = tmp_path / 'ann.pkl'
    _annotations(ann)
    cfg, model = _checkpoint(ann, tmp_path / 'epoch_2.pth', 16, 2)
    _checkpoint(ann, tmp_path / 'epoch_3.pth', 16, 3)
    out = tmp_path / 'rep.json'
    _tool().main(_argv(ann, str(CONFIG), str(tmp_path / 'epoch_2.pth'),
                       str(tmp_path / 'epoch_3.pth'), '--out', str(out)))
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith(f'{tmp_path / "epoch_2.pth"} (epoch 2): '
                                 'kNN top-1')
    assert 'probe top-1' in printed[1] and printed[-1] == f'wrote {out}'
    report = json.loads(out.read_text())
    assert (report['k'], report['temperature']) == (20, 0.1)
    first = report['results'][0]
    assert [r['epoch'] for r in report['results']] == [2, 3]
    assert (first['num_train'], first['num_test']) == (6, 4)
    # the checkpoint's encoder, evaluated directly, gives the same numbers
    hook = cfg.custom_hooks[2]
    loaders = [build_eval_loader(hook[k], 32)
               for k in ('train_dataset', 'test_dataset')]
    direct = evaluate_representation(model.backbone, *loaders)
    assert first['knn_top1'] == direct['knn_top1']
    assert first['probe_top1'] == direct['probe_top1']


def test_one_line_errors(tmp_path, capsys):
    ann = tmp_path / 'ann.pkl'
    _annotations(ann)
    _checkpoint(ann, tmp_path / 'wide.pth', 32, 1)   # 2x the config's width
    with pytest.raises(SystemExit) as exc:
        _tool().main(_argv(ann, str(CONFIG), str(tmp_path / 'wide.pth'),
                           '--no-probe'))
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith('eval_representation.py: error: ') and \
        'wide.pth: its backbone weights do not fit' in err and '\n' not in err
    finetune = ROOT / 'configs/sme_gcn/transfer/nw_ucla_xview_finetune.py'
    with pytest.raises(SystemExit):
        _tool().main([str(finetune), str(tmp_path / 'wide.pth')])
    assert 'no RepresentationEvalHook in custom_hooks' in \
        capsys.readouterr().err
