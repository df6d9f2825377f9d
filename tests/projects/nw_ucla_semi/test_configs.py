"""projects/nw_ucla_semi/configs: every option config builds and steps like
the transfer configs it stands on, changes only its one line, and its
encoder loads into the finetuning config."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from aqa_mm.registry import MODELS
from tests.test_transfer_configs import (TRANSFER,
                                         check_config_builds_and_steps,
                                         check_finetuning_loads_encoder)

SEMI = Path(__file__).resolve().parents[3] / 'projects' / 'nw_ucla_semi' / \
    'configs'
CONFIGS = sorted(SEMI.glob('*.py'))


def test_there_are_option_configs():
    assert len(CONFIGS) == 6


@pytest.mark.parametrize('path', CONFIGS, ids=[p.name for p in CONFIGS])
def test_option_config_builds_and_steps(path, tmp_path):
    check_config_builds_and_steps(path, tmp_path)


HARDER_PRETEXT = {  # config suffix -> (has view_aug, has projector)
    '': (False, False), '_view_aug': (True, False),
    '_projector': (False, True), '_view_aug_projector': (True, True)}


@pytest.mark.parametrize('suffix', HARDER_PRETEXT)
def test_pretext_option_configs_merge_into_the_parent(suffix):
    """Each child's one ``model = dict(...)`` line merges into the parent's
    model (which used ``_delete_`` on ITS base) and changes only that."""
    from aqa_mm.models.utils import MLPProjector, RandomSkeletonAffine
    parent = Config.fromfile(TRANSFER / 'nw_ucla_xview_pretrain.py').model
    cfg = Config.fromfile((SEMI if suffix else TRANSFER) /
                          f'nw_ucla_xview_pretrain{suffix}.py')
    added = {k: v for k, v in cfg.model.items() if k not in parent}
    assert {k: v for k, v in cfg.model.items() if k in parent} == parent
    view_aug, projector = HARDER_PRETEXT[suffix]
    assert set(added) == ({'view_aug'} if view_aug else set()) | (
        {'projector'} if projector else set())
    cfg.model.backbone.base_channels = 8
    model = MODELS.build(cfg.model)
    assert isinstance(model.view_aug, RandomSkeletonAffine) == view_aug
    assert isinstance(model.projector, MLPProjector) == projector
    if projector:   # after the encoder's fc (C^s = 256)
        assert model.projector.in_channels == cfg.model.backbone.out_channels
    assert model.loss_module.temperature == 0.1


def test_temperature_option_changes_only_the_infonce_temperature():
    """``_tau0.2`` is the parent with τ = 0.2 and nothing else, and the
    built loss divides by it (the loss of identical views is lower)."""
    parent = Config.fromfile(TRANSFER / 'nw_ucla_xview_pretrain.py').model
    cfg = Config.fromfile(SEMI / 'nw_ucla_xview_pretrain_tau0.2.py')
    assert cfg.model.loss.temperature == 0.2
    assert {k: v for k, v in cfg.model.items() if k != 'loss'} == {
        k: v for k, v in parent.items() if k != 'loss'}
    assert {k: v for k, v in cfg.model.loss.items() if k != 'temperature'
            } == {k: v for k, v in parent.loss.items() if k != 'temperature'}
    cfg.model.backbone.base_channels = 8
    model = MODELS.build(cfg.model)
    assert model.loss_module.temperature == 0.2
    torch.manual_seed(0)
    z = torch.nn.functional.normalize(torch.randn(6, 16), dim=1)
    soft = model.loss_module(z, z)
    sharp = MODELS.build(parent.loss)(z, z)
    assert float(sharp) < float(soft)


def test_finetune_loads_encoder_of_a_view_aug_projector_checkpoint(tmp_path):
    """Finetuning from a pretrainer with a projector loads strictly: the
    'projector.' keys are outside prefix 'backbone.'."""
    pre_cfg = Config.fromfile(
        SEMI / 'nw_ucla_xview_pretrain_view_aug_projector.py').model
    pre_cfg.backbone.base_channels = 16
    pretrainer = MODELS.build(pre_cfg)
    state = pretrainer.state_dict()
    assert any(k.startswith('projector.') for k in state)
    check_finetuning_loads_encoder(state, tmp_path)


def test_moco_option_finetunes_from_the_trained_encoder(tmp_path):
    """The MoCo config is the faithful one with the momentum pretrainer;
    finetuning loads its trained encoder strictly, never the key copy."""
    pre = Config.fromfile(SEMI / 'nw_ucla_xview_pretrain_moco.py')
    faithful = Config.fromfile(TRANSFER / 'nw_ucla_xview_pretrain.py')
    assert pre.model.backbone == faithful.model.backbone
    assert pre.model.view_keys == faithful.model.view_keys
    assert 'sample_idx' in pre.train_dataloader.dataset.dataset.pipeline[
        -1].meta_keys
    pre.model.backbone.base_channels = 16
    torch.manual_seed(0)
    pretrainer = MODELS.build(pre.model)
    pretrainer.init_weights()
    with torch.no_grad():   # make the key copy differ from the encoder
        for param in pretrainer.key_encoder.parameters():
            param.add_(1.0)
    state = pretrainer.state_dict()
    assert pretrainer.queue.feats.shape == (1024, 128)
    check_finetuning_loads_encoder(state, tmp_path)


def test_backbone_lr0_1_finetuning_keeps_the_head_at_the_recipe_lr():
    cfg = Config.fromfile(SEMI / 'nw_ucla_xview_finetune_backbone_lr0.1.py')
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
