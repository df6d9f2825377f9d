# SME-GCN InfoNCE pretraining (paper §3.1, Eq. 4) on the built-in SYNTHETIC
# set; the quick start's first stage. The encoder is saved under the
# 'encoder.' prefix that the finetuning configs load.
# Reduced width for a few CPU minutes: base_channels 32 (the paper's CTR-GCN
# uses 64, as the AQA-7 / UNLV-Dive / MMFS-63 configs do) and C^s = 128.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/synthetic_pretrain.py',
]

model = dict(
    type='SMEPretrainer',
    encoder=dict(
        type='SMEGCN',
        graph_cfg=dict(layout='coco', mode='spatial'),
        in_channels=3,      # x, y, HRNet score (GenSkeFeat appends it)
        num_person=1,
        base_channels=32,
        out_channels=128),  # C^s
    loss=dict(type='InfoNCELoss', temperature=0.1, mode='eq4'),
    view_keys=('keypoint_var', 'keypoint_tem'))

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=15)
# The paper gives no pretraining recipe; AdamW with cosine decay is ours.
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=10.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=13, eta_min=1e-5, by_epoch=True,
         begin=2, end=15)
]
auto_scale_lr = dict(enable=False, base_batch_size=32)
