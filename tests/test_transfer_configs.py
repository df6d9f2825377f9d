"""Every classification-transfer config (configs/sme_gcn/transfer/, §4.7)
loads, builds its model, and runs one train_step and one test_step on CPU
with a batch from its own pipeline over a tiny fake mmaction2 skeleton pkl
of the right joint / person count. tests/test_configs.py skips this folder:
its AQA annotations (17 COCO joints, float scores) do not fit these configs.

Finetuning configs get a checkpoint saved from a real ``SMEPretrainer`` (with
its projection ``fc``), and the test checks the encoder weights were loaded.
The NW-UCLA projects' configs, which stand on these, are checked the same way
in tests/projects/nw_ucla_*/test_configs.py.
"""
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper

from aqa_mm.evaluation.dump_aqa_results import DumpAQAResults
from aqa_mm.registry import DATASETS, MODELS

ROOT = Path(__file__).resolve().parents[1]
TRANSFER = ROOT / 'configs' / 'sme_gcn' / 'transfer'
CONFIGS = sorted(p for p in TRANSFER.rglob('*.py') if '_base_' not in p.parts)
FRAMES, CLIP_LEN = 12, 8


def make_cls_annotations(splits, num_joints: int, num_person: int,
                         num_classes: int, per_split: int = 2,
                         seed: int = 0) -> dict:
    """A tiny mmaction2 skeleton pkl: ``per_split`` samples per split name.

    Keypoints (M, T, V, 3) float32; one sample per split has T = 1.
    """
    rng = np.random.default_rng(seed)
    annos, split = [], {}
    for name in splits:
        split[name] = []
        for i in range(per_split):
            frames = 1 if i == 0 else FRAMES
            frame_dir = f'{name}_{i}'
            annos.append(dict(
                frame_dir=frame_dir, label=int(rng.integers(num_classes)),
                total_frames=frames,
                keypoint=rng.normal(
                    size=(num_person, frames, num_joints, 3)).astype(
                        np.float32)))
            split[name].append(frame_dir)
    return dict(split=split, annotations=annos)


def _inner(ds_cfg):
    return ds_cfg.dataset if ds_cfg.type == 'RepeatDataset' else ds_cfg


def _shrink(pipeline) -> None:
    for step in pipeline:
        if step['type'] == 'UniformSampleFrames':
            step.update(clip_len=CLIP_LEN,
                        num_clips=min(step.get('num_clips', 1), 2))
        elif step['type'] == 'SortedRandomSampleFrames':
            step.update(clip_len=CLIP_LEN)


def _pretrainer_checkpoint(backbone_cfg, tmp_path: Path) -> dict:
    """Save an SMEPretrainer whose encoder matches ``backbone_cfg``."""
    encoder = {k: v for k, v in backbone_cfg.items() if k != 'init_cfg'}
    encoder.update(out_type='feature')
    pretrainer = MODELS.build(dict(type='SMEPretrainer', backbone=encoder))
    state = pretrainer.state_dict()
    path = tmp_path / 'pretrain.pth'
    torch.save(dict(state_dict=state), path)
    backbone_cfg.init_cfg.checkpoint = str(path)
    return state


def test_there_are_transfer_configs():
    assert len(CONFIGS) == 8


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[p.name for p in CONFIGS])
def test_transfer_config_builds_and_steps(path, tmp_path):
    check_config_builds_and_steps(path, tmp_path)


def check_config_builds_and_steps(path: Path, tmp_path: Path) -> None:
    """The config at ``path`` (1/4 width) builds, loads its pretrained
    encoder, and runs a train_step (and a test_step when it has a test
    set) on a tiny fake pkl; also used by the tests of the projects whose
    configs stand on these."""
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmaction'
    net = cfg.model.backbone
    net.base_channels = 16   # 1/4 width keeps the test fast on CPU
    if 'cls_head' in cfg.model:
        cfg.model.cls_head.in_channels = 4 * net.base_channels
    layout = net.graph_cfg.layout
    joints = 25 if layout == 'nturgb+d' else layout['num_node']
    classes = 60 if joints == 25 else 10
    loaders = [cfg.train_dataloader] + (
        [cfg.test_dataloader] if cfg.test_dataloader else [])
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(pickle.dumps(make_cls_annotations(
        [_inner(ld.dataset).split for ld in loaders], joints,
        net.num_person, classes)))

    pretrained = None
    init = net.get('init_cfg')
    if init is not None:
        assert init.prefix == 'backbone.'
        pretrained = _pretrainer_checkpoint(net, tmp_path)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    if pretrained is not None:   # every encoder weight was loaded
        for key, value in model.backbone.state_dict().items():
            torch.testing.assert_close(value, pretrained['backbone.' + key])

    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    for loader in loaders:
        ds_cfg = _inner(loader.dataset).copy()
        ds_cfg.update(ann_file=str(ann))
        _shrink(ds_cfg.pipeline)
        dataset = DATASETS.build(ds_cfg)
        assert len(dataset) == 2
        batch = pseudo_collate([dataset[i] for i in range(2)])
        if loader is cfg.train_dataloader:
            model.train()
            before = {k: v.clone() for k, v in model.named_parameters()}
            losses = model.train_step(batch, optim)
            # mmaction2's cls head also logs top-k accuracies here
            assert 'loss' in losses
            assert all(torch.isfinite(v) for k, v in losses.items()
                       if k.startswith('loss'))
            if 'linear_probe' in path.name:
                for key, value in model.named_parameters():
                    moved = not torch.equal(value, before[key])
                    assert moved == key.startswith('cls_head'), key
        else:
            model.eval()
            out = model.test_step(batch)
            assert len(out) == 2
            assert out[0].pred_scores.item.shape == (classes, )


def test_dump_aqa_results_keeps_class_scores_and_labels(tmp_path):
    """tools/test.py --dump of a classification sample keeps the class
    scores (K,) and the label, so streams can be late-fused and scored."""
    from mmaction.structures import ActionDataSample

    from aqa_mm.evaluation.score_fusion import load_stream
    sample = ActionDataSample().set_gt_labels(3)
    sample.set_pred_score(torch.arange(5.0)).set_pred_label(4)
    metric = DumpAQAResults(str(tmp_path / 'x.pkl'))
    metric.process(None, [sample.to_dict()])
    record = metric.results[0]
    assert record['gt_labels'] == 3
    assert list(record['pred_scores']) == [0, 1, 2, 3, 4]
    metric.compute_metrics(metric.results)
    _, scores, labels = load_stream(str(tmp_path / 'x.pkl'))
    assert scores.shape == (1, 5) and labels.tolist() == [3]


def test_nw_ucla_schedule_steps_at_epoch_10_as_ctrgcn():
    """CTR-GCN's NW-UCLA recipe at 1/5: lr 0.1 for 0-based epochs 0-9,
    0.01 for 10-12 (its ``step: [10]``)."""
    from mmengine.registry import PARAM_SCHEDULERS
    cfg = Config.fromfile(TRANSFER / 'nw_ucla_xview_scratch.py')
    step = [s for s in cfg.param_scheduler if s.type == 'MultiStepLR'][0]
    param = torch.nn.Parameter(torch.zeros(1))
    optim = torch.optim.SGD([param], lr=cfg.optim_wrapper.optimizer.lr)
    scheduler = PARAM_SCHEDULERS.build(step, default_args=dict(
        optimizer=optim))
    lrs = []
    for _ in range(cfg.train_cfg.max_epochs):
        lrs.append(optim.param_groups[0]['lr'])
        scheduler.step()
    assert lrs == pytest.approx([0.1] * 10 + [0.01] * 3)


def check_finetuning_loads_encoder(state: dict, tmp_path: Path) -> None:
    """nw_ucla_xview_finetune.py (1/4 width) initialised from a pretrainer
    ``state`` holds exactly its ``encoder.`` weights (also used by the
    tests of the projects whose pretraining configs stand on these)."""
    path = tmp_path / 'pretrain.pth'
    torch.save(dict(state_dict=state), path)
    cfg = Config.fromfile(TRANSFER / 'nw_ucla_xview_finetune.py')
    cfg.model.backbone.base_channels = 16
    cfg.model.cls_head.in_channels = 64
    cfg.model.backbone.init_cfg.checkpoint = str(path)
    model = MODELS.build(cfg.model)
    model.init_weights()
    for key, value in model.backbone.state_dict().items():
        torch.testing.assert_close(value, state['backbone.' + key])
