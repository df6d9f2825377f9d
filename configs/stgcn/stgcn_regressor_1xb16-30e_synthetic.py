# Baseline skeleton stream on the built-in SYNTHETIC set: mmaction2's ST-GCN
# (6 stages, 32 base channels, to train in a few CPU minutes) with a linear
# score head. The quick start (tools/quickstart.sh) trains this config.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/synthetic_skeleton.py',
]

model = dict(
    type='SkeletonAssessor',
    backbone=dict(
        type='STGCN',
        graph_cfg=dict(layout='coco', mode='stgcn_spatial'),
        in_channels=3,
        base_channels=32,
        num_stages=6,
        inflate_stages=(4, ),
        down_stages=(4, )),
    head=dict(
        type='AQARegressionHead',
        in_channels=64,  # 32 base channels, doubled once at stage 4
        loss_weights=(1.0, 1.0),
        dropout=0.2,
        # standardise targets; approximate statistics of the synthetic train
        # split (all classes pooled)
        score_mean=40.0,
        score_std=25.0))

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=10.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=28, eta_min=1e-5, by_epoch=True,
         begin=2, end=30)
]
# lr above is for a total batch of 16 (1 GPU x 16)
auto_scale_lr = dict(enable=False, base_batch_size=16)
