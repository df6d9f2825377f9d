# SME-GCN finetuned on NW-UCLA cross-view from the encoder of
# nw_ucla_xview_pretrain.py; same data, schedule and head as the scratch
# baseline, so the two differ only in the initialisation. Set `pretrained` or
# pass --cfg-options model.backbone.init_cfg.checkpoint=PATH.
_base_ = ['../../_base_/default_runtime.py', './_base_/nw_ucla_xview.py']

pretrained = 'work_dirs/nw_ucla_xview_pretrain/epoch_13.pth'
# Strict loading: every encoder key must match, except the projection `fc.*`
# of the pretraining encoder (out_type='feature'), which this 'map' backbone
# does not have (tests/test_transfer_configs.py checks the weights load).
model = dict(
    backbone=dict(
        init_cfg=dict(type='StrictPretrained', checkpoint=pretrained,
                      prefix='backbone.', ignore_unexpected=('fc.', ))))
