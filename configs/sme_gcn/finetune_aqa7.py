# SME-GCN finetuned on AQA-7, all six classes pooled (the paper's "All",
# Tables 4-9): the encoder of pretrain_aqa7.py plus a linear regression
# layer, λ1·MSE + λ2·MAE, 100 epochs. The per-class protocol ("Ave"):
# tools/analysis/run_protocol.py with this config, one model per class.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/sme_gcn_regressor.py',
    '../_base_/datasets/aqa7_pose.py',
    '../_base_/schedules/adamw_cosine_100e.py',
]

pretrained = 'work_dirs/pretrain_aqa7/epoch_100.pth'
model = dict(backbone=dict(init_cfg=dict(checkpoint=pretrained)))
