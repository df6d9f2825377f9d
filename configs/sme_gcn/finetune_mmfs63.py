# SME-GCN finetuned on MMFS-63 (figure skating, 3,959 / 956): the encoder of
# pretrain_mmfs63.py plus a linear regression layer, λ1·MSE + λ2·MAE,
# 100 epochs.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/sme_gcn_regressor.py',
    '../_base_/datasets/mmfs63_pose.py',
    '../_base_/schedules/adamw_cosine_100e.py',
]

pretrained = 'work_dirs/pretrain_mmfs63/epoch_100.pth'
model = dict(backbone=dict(init_cfg=dict(checkpoint=pretrained)))
