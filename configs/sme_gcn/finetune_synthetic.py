# SME-GCN finetuned for AQA on the built-in SYNTHETIC set (paper §3.1, "SME-GCN
# for AQA"), the small variant of finetune_aqa7.py: the encoder of
# pretrain_synthetic.py plus a linear regression layer, the whole network
# trained with λ1·MSE + λ2·MAE for 30 epochs. Set `pretrained` (or pass
# --cfg-options model.backbone.init_cfg.checkpoint=PATH); the quick start
# does.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/sme_gcn_regressor.py',
    '../_base_/datasets/synthetic_pose.py',
    '../_base_/schedules/adamw_cosine_30e.py',
]

pretrained = 'work_dirs/pretrain_synthetic/epoch_15.pth'

model = dict(
    backbone=dict(base_channels=32, out_channels=128,  # as pretrain_synthetic
                  init_cfg=dict(checkpoint=pretrained)),
    # raw targets: pooled statistics of the synthetic train split
    head=dict(in_channels=128, score_mean=37.5, score_std=27.6))

optim_wrapper = dict(optimizer=dict(lr=5e-4))
