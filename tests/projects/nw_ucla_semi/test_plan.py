"""projects/nw_ucla_semi/plan.py: the steps in the order they run, their
overrides against the configs they change, which steps remain, and the
encoder a pretraining leaves loading into its finetuning runs. Nothing
trains."""
import json
from pathlib import Path

import pytest
import torch

from aqa_mm.datasets.wrappers import wrap_in_subset
from aqa_mm.registry import MODELS
from aqa_mm.utils.cli import load_config, merge_cfg_options
from projects.nw_ucla_semi import plan, run

ROOT = Path(__file__).resolve().parents[3]


def _args(tmp_path, *extra):
    ann = tmp_path / 'ann.pkl'
    ann.touch()
    return run.parse_args(['--ann-file', str(ann), '--work-dir',
                           str(tmp_path / 'wd'), *extra])


def test_pretraining_first_then_seed_by_seed(tmp_path):
    args = _args(tmp_path, '--variants', 'faithful', 'view_aug_projector',
                 '--pretrain-epochs', '13', '--finetune-from', 'faithful:13',
                 'view_aug_projector:13', '--fractions', '10', '5', '100')
    names = [s.name for s in plan.build_plan(args)]
    assert names[:2] == ['pretrain_faithful', 'pretrain_view_aug_projector']
    assert names[2:5] == ['finetune_faithful_e13_p10_s0',
                          'finetune_view_aug_projector_e13_p10_s0',
                          'scratch_p10_s0']
    assert names[-1] == 'scratch_p100_s2' and len(names) == 2 + 3 * 9
    only = {lane: [s.name for s in plan.build_plan(_args(
        tmp_path, '--only', lane))] for lane in ('pretrain', 'classification')}
    assert only['pretrain'] == ['pretrain_faithful']
    assert all(not n.startswith('pretrain') for n in only['classification'])


def test_every_override_exists_in_its_config(tmp_path):
    """merge_cfg_options rejects a misspelt key, as the launcher does: every
    variant, both finetuning configs, subsets and the whole split."""
    for finetune in sorted(plan.FINETUNE_CONFIGS):
        args = _args(tmp_path, '--variants', *plan.VARIANTS,
                     '--finetune-from', 'moco:1', '--fractions', '5', '100',
                     '--seeds', '0', '--finetune-config', finetune)
        for step in plan.build_plan(args):
            cfg = load_config(str(ROOT / step.run.config))
            merge_cfg_options(cfg, dict(step.run.cfg_options))
            for key, subset_args in step.run.subsets.items():
                wrap_in_subset(cfg, key, **subset_args)
            inner = cfg.train_dataloader.dataset.dataset
            if '_p5_' in step.name:
                assert inner.type == 'SubsetDataset'
                assert inner.label_subset == '5%/seed0'
                assert Path(inner.label_subset_file).is_file()
                assert inner.dataset.type == 'PoseDataset'
                inner = inner.dataset
            else:
                assert not step.run.subsets
            assert inner.ann_file == args.ann_file, step.name


def test_encoder_ready_only_when_its_checkpoint_is_complete(tmp_path):
    pre = tmp_path / 'pretrain_faithful'
    pre.mkdir()
    ckpt = pre / 'epoch_2.pth'
    assert not plan.encoder_ready(str(ckpt))
    ckpt.write_bytes(b'being written')
    (pre / 'last_checkpoint').write_text(str(pre / 'epoch_1.pth'))
    assert not plan.encoder_ready(str(ckpt))
    (pre / 'last_checkpoint').write_text(str(pre / 'epoch_10.pth'))
    assert plan.encoder_ready(str(ckpt))


def test_step_states(tmp_path):
    args = _args(tmp_path, '--finetune-from', 'faithful:1', '--fractions',
                 '10', '--seeds', '0')
    steps = {s.name: s for s in plan.build_plan(args)}
    assert {n: plan.step_state(s) for n, s in steps.items()} == {
        'pretrain_faithful': 'to run', 'scratch_p10_s0': 'to run',
        'finetune_faithful_e1_p10_s0': 'waits for its encoder'}
    scratch = Path(steps['scratch_p10_s0'].run.work_dir)
    scratch.mkdir(parents=True)
    (scratch / 'last_checkpoint').write_text('epoch_4.pth')
    assert plan.step_state(steps['scratch_p10_s0']) == 'resumes'
    (scratch / 'launch_result.json').write_text(json.dumps(dict(
        metrics={}, cfg_options={})))
    assert plan.step_state(steps['scratch_p10_s0']) == 'done'
    assert plan.finished_epochs(steps['scratch_p10_s0']) is None


def test_pretrained_encoder_loads_into_its_finetuning_run(tmp_path):
    """What a pretraining saves (an mmengine checkpoint of SMEPretrainer
    with a projector, HistoryBuffer and numpy values beside the weights)
    loads strictly into the finetuning run's backbone."""
    import numpy as np
    from mmengine.logging import HistoryBuffer
    args = _args(tmp_path, '--variants', 'view_aug_projector',
                 '--finetune-from', 'view_aug_projector:2', '--fractions',
                 '10', '--seeds', '0')
    steps = plan.build_plan(args)
    pre_cfg = load_config(str(ROOT / steps[0].run.config)).model
    pre_cfg.backbone.base_channels = 16
    state = MODELS.build(pre_cfg).state_dict()
    loss = HistoryBuffer()
    loss.update(np.float64(1.5))
    fine = steps[1]
    Path(fine.encoder).parent.mkdir(parents=True)
    torch.save(dict(state_dict=state, optimizer={'x': torch.ones(3)},
                    message_hub=dict(log_scalars=dict(loss=loss)),
                    meta=dict(epoch=2, iter=318, seed=np.int64(0))),
               fine.encoder)
    cfg = load_config(str(ROOT / fine.run.config))
    merge_cfg_options(cfg, dict(fine.run.cfg_options))
    cfg.model.backbone.base_channels = 16
    cfg.model.cls_head.in_channels = 64
    model = MODELS.build(cfg.model)
    model.init_weights()
    for key, value in model.backbone.state_dict().items():
        torch.testing.assert_close(value, state['backbone.' + key])


def test_unknown_variant_is_named(tmp_path, capsys):
    with pytest.raises(SystemExit):
        _args(tmp_path, '--finetune-from', 'simclr:1')
    assert "unknown variant(s) ['simclr']" in capsys.readouterr().err
