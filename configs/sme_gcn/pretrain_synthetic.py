# SME-GCN InfoNCE pretraining (paper §3.1, Eq. 4) on the built-in SYNTHETIC
# set, the quick start's first stage: the small variant of pretrain_aqa7.py.
# Reduced width for a few CPU minutes: base_channels 32 (the paper's CTR-GCN
# uses 64, as the real-data configs do) and C^s = 128; 15 epochs.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/sme_gcn_pretrainer.py',
    '../_base_/datasets/synthetic_pose_pretrain.py',
    '../_base_/schedules/adamw_cosine_100e_pretrain.py',
]

model = dict(backbone=dict(base_channels=32, out_channels=128))

train_cfg = dict(max_epochs=15)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=13, eta_min=1e-5, by_epoch=True,
         begin=2, end=15)
]
