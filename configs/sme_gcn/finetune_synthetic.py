# SME-GCN finetuned for AQA on the built-in SYNTHETIC set (paper §3.1, "SME-GCN
# for AQA"): the pretrained encoder plus a linear regression layer, the whole
# network trained with λ1·MSE + λ2·MAE. Set `pretrained` (or pass
# --cfg-options model.backbone.init_cfg.checkpoint=PATH); the quick start does.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/synthetic_skeleton.py',
]

pretrained = 'work_dirs/pretrain_synthetic/epoch_20.pth'

model = dict(
    type='SkeletonAssessor',
    backbone=dict(
        type='SMEGCN',
        graph_cfg=dict(layout='coco', mode='spatial'),
        in_channels=3,
        num_person=1,
        out_channels=256,
        # fails loudly if the checkpoint's encoder keys do not all match
        init_cfg=dict(type='StrictPretrained', checkpoint=pretrained,
                      prefix='encoder.')),
    head=dict(
        type='AQARegressionHead',
        in_channels=256,
        loss_weights=(1.0, 1.0),
        dropout=0.2,
        # standardised targets: pooled statistics of the synthetic train split
        score_mean=37.5,
        score_std=27.6))

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=5e-4, weight_decay=1e-4),
    clip_grad=dict(max_norm=10.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=28, eta_min=1e-5, by_epoch=True,
         begin=2, end=30)
]
auto_scale_lr = dict(enable=False, base_batch_size=16)
