"""Every classification-transfer config (configs/sme_gcn/transfer/, §4.7)
loads, builds its model, and runs one train_step and one test_step on CPU
with a batch from its own pipeline over a tiny fake mmaction2 skeleton pkl
of the right joint / person count. tests/test_configs.py skips this folder:
its AQA annotations (17 COCO joints, float scores) do not fit these configs.

Finetuning configs get a checkpoint saved from a real ``SMEPretrainer`` (with
its projection ``fc``), and the test checks the encoder weights were loaded.
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
    pretrainer = MODELS.build(dict(type='SMEPretrainer', encoder=encoder))
    state = pretrainer.state_dict()
    path = tmp_path / 'pretrain.pth'
    torch.save(dict(state_dict=state), path)
    backbone_cfg.init_cfg.checkpoint = str(path)
    return state


def test_there_are_transfer_configs():
    assert len(CONFIGS) == 15


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[p.name for p in CONFIGS])
def test_transfer_config_builds_and_steps(path, tmp_path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmaction'
    net = cfg.model.get('backbone') or cfg.model.encoder
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
        assert init.prefix == 'encoder.'
        pretrained = _pretrainer_checkpoint(net, tmp_path)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    if pretrained is not None:   # every encoder weight was loaded
        for key, value in model.backbone.state_dict().items():
            torch.testing.assert_close(value, pretrained['encoder.' + key])

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


HARDER_PRETEXT = {  # config suffix -> (has view_aug, has projector)
    '': (False, False), '_view_aug': (True, False),
    '_projector': (False, True), '_view_aug_projector': (True, True)}


@pytest.mark.parametrize('suffix', HARDER_PRETEXT)
def test_pretext_option_configs_merge_into_the_parent(suffix):
    """Each child's one ``model = dict(...)`` line merges into the parent's
    model (which used ``_delete_`` on ITS base) and changes only that."""
    from aqa_mm.models.utils import MLPProjector, RandomSkeletonAffine
    parent = Config.fromfile(TRANSFER / 'nw_ucla_xview_pretrain.py').model
    cfg = Config.fromfile(TRANSFER / f'nw_ucla_xview_pretrain{suffix}.py')
    added = {k: v for k, v in cfg.model.items() if k not in parent}
    assert {k: v for k, v in cfg.model.items() if k in parent} == parent
    view_aug, projector = HARDER_PRETEXT[suffix]
    assert set(added) == ({'view_aug'} if view_aug else set()) | (
        {'projector'} if projector else set())
    cfg.model.encoder.base_channels = 8
    model = MODELS.build(cfg.model)
    assert isinstance(model.view_aug, RandomSkeletonAffine) == view_aug
    assert isinstance(model.projector, MLPProjector) == projector
    if projector:   # after the encoder's fc (C^s = 256)
        assert model.projector.in_channels == cfg.model.encoder.out_channels
    assert model.loss_module.temperature == 0.1


def test_temperature_option_changes_only_the_infonce_temperature():
    """``_tau0.2`` is the parent with τ = 0.2 and nothing else, and the
    built loss divides by it (the loss of identical views is lower)."""
    parent = Config.fromfile(TRANSFER / 'nw_ucla_xview_pretrain.py').model
    cfg = Config.fromfile(TRANSFER / 'nw_ucla_xview_pretrain_tau0.2.py')
    assert cfg.model.loss.temperature == 0.2
    assert {k: v for k, v in cfg.model.items() if k != 'loss'} == {
        k: v for k, v in parent.items() if k != 'loss'}
    assert {k: v for k, v in cfg.model.loss.items() if k != 'temperature'
            } == {k: v for k, v in parent.loss.items() if k != 'temperature'}
    cfg.model.encoder.base_channels = 8
    model = MODELS.build(cfg.model)
    assert model.loss_module.temperature == 0.2
    torch.manual_seed(0)
    z = torch.nn.functional.normalize(torch.randn(6, 16), dim=1)
    soft = model.loss_module(z, z)
    sharp = MODELS.build(parent.loss)(z, z)
    assert float(sharp) < float(soft)


def _check_finetuning_loads_encoder(state: dict, tmp_path: Path) -> None:
    """nw_ucla_xview_finetune.py (1/4 width) initialised from a pretrainer
    ``state`` holds exactly its ``encoder.`` weights."""
    path = tmp_path / 'pretrain.pth'
    torch.save(dict(state_dict=state), path)
    cfg = Config.fromfile(TRANSFER / 'nw_ucla_xview_finetune.py')
    cfg.model.backbone.base_channels = 16
    cfg.model.cls_head.in_channels = 64
    cfg.model.backbone.init_cfg.checkpoint = str(path)
    model = MODELS.build(cfg.model)
    model.init_weights()
    for key, value in model.backbone.state_dict().items():
        torch.testing.assert_close(value, state['encoder.' + key])


def test_finetune_loads_encoder_of_a_view_aug_projector_checkpoint(tmp_path):
    """Finetuning from a pretrainer with a projector loads strictly: the
    'projector.' keys are outside prefix 'encoder.'."""
    pre_cfg = Config.fromfile(
        TRANSFER / 'nw_ucla_xview_pretrain_view_aug_projector.py').model
    pre_cfg.encoder.base_channels = 16
    pretrainer = MODELS.build(pre_cfg)
    state = pretrainer.state_dict()
    assert any(k.startswith('projector.') for k in state)
    _check_finetuning_loads_encoder(state, tmp_path)


def test_moco_option_finetunes_from_the_trained_encoder(tmp_path):
    """The MoCo config is the faithful one with the momentum pretrainer;
    finetuning loads its trained encoder strictly, never the key copy."""
    pre = Config.fromfile(TRANSFER / 'nw_ucla_xview_pretrain_moco.py')
    faithful = Config.fromfile(TRANSFER / 'nw_ucla_xview_pretrain.py')
    assert pre.model.encoder == faithful.model.encoder
    assert pre.model.view_keys == faithful.model.view_keys
    assert 'sample_idx' in pre.train_dataloader.dataset.dataset.pipeline[
        -1].meta_keys
    pre.model.encoder.base_channels = 16
    torch.manual_seed(0)
    pretrainer = MODELS.build(pre.model)
    pretrainer.init_weights()
    with torch.no_grad():   # make the key copy differ from the encoder
        for param in pretrainer.key_encoder.parameters():
            param.add_(1.0)
    state = pretrainer.state_dict()
    assert pretrainer.queue.feats.shape == (1024, 128)
    _check_finetuning_loads_encoder(state, tmp_path)


def test_backbone_lr0_1_finetuning_keeps_the_head_at_the_recipe_lr():
    cfg = Config.fromfile(TRANSFER / 'nw_ucla_xview_finetune_backbone_lr0.1.py')
    base = Config.fromfile(TRANSFER / 'nw_ucla_xview_finetune.py')
    assert cfg.model == base.model and cfg.train_cfg == base.train_cfg
    cfg.model.backbone.base_channels = 16
    cfg.model.cls_head.in_channels = 64
    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    groups = build_optim_wrapper(model, cfg.optim_wrapper).optimizer \
        .param_groups
    lr = {name: group['lr'] for group in groups
          for name, p in model.named_parameters() if group['params'][0] is p}
    assert lr and all(v == pytest.approx(0.01) for k, v in lr.items()
                      if k.startswith('backbone.'))
    assert lr['cls_head.fc.weight'] == pytest.approx(0.1)
