# SME-GCN finetuned on UNLV-Dive (execution score, 300 / 70): the encoder of
# pretrain_unlv_dive.py plus a linear regression layer, λ1·MSE + λ2·MAE,
# 100 epochs.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/sme_gcn_regressor.py',
    '../_base_/datasets/unlv_dive_pose.py',
    '../_base_/schedules/adamw_cosine_100e.py',
]

pretrained = 'work_dirs/pretrain_unlv_dive/epoch_100.pth'
model = dict(backbone=dict(init_cfg=dict(checkpoint=pretrained)))
