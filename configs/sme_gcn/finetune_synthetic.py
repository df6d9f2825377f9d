# SME-GCN finetuned for AQA on the built-in SYNTHETIC set (paper §3.1, "SME-GCN
# for AQA"): the pretrained encoder plus a linear regression layer, the whole
# network trained with λ1·MSE + λ2·MAE. Set `pretrained` (or pass
# --cfg-options model.backbone.init_cfg.checkpoint=PATH); the quick start does.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/synthetic_skeleton.py',
]

pretrained = 'work_dirs/pretrain_synthetic/epoch_15.pth'
center_joint = 8  # centre as the pretraining views were (Eq. 1)

# The pretraining views were centred on joint 8 by the masks; the encoder sees
# the same centring here, with nothing masked (a TemporalMask with r_m = 0).
train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len={{_base_.clip_len}}),
    dict(type='PoseDecode'),
    dict(type='TemporalMask', mask_ratio=0.0, center_joint=center_joint),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackAQAInputs')
]
test_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len={{_base_.clip_len}},
         num_clips=1, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='TemporalMask', mask_ratio=0.0, center_joint=center_joint),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackAQAInputs')
]
# Label regimes (benchmarks/bench_aqa_label_regimes.py): train on one
# written-down labelled subset of the train split instead of all of it, e.g.
#   S=benchmarks/results/aqa_label_subsets.json
#   --cfg-options train_dataloader.dataset.label_subset_file=$S \
#       train_dataloader.dataset.label_subset=10%/seed0
# (keys '5%/seed0' ... '10%/seed2'; None: the whole split). The schedule
# stays 30 epochs, so fewer labels also means fewer iterations.
train_dataloader = dict(dataset=dict(pipeline=train_pipeline,
                                     label_subset_file=None,
                                     label_subset=None))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

model = dict(
    type='SkeletonAssessor',
    backbone=dict(
        type='SMEGCN',
        graph_cfg=dict(layout='coco', mode='spatial'),
        in_channels=3,
        num_person=1,
        base_channels=32,   # as in pretrain_synthetic.py
        out_channels=128,
        # fails loudly if the checkpoint's encoder keys do not all match
        init_cfg=dict(type='StrictPretrained', checkpoint=pretrained,
                      prefix='encoder.')),
    head=dict(
        type='AQARegressionHead',
        in_channels=128,
        loss_weights=(1.0, 1.0),
        dropout=0.2,
        # standardised targets: pooled statistics of the synthetic train split
        score_mean=37.5,
        score_std=27.6))

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=5e-4, weight_decay=1e-4),
    clip_grad=dict(max_norm=10.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=28, eta_min=1e-5, by_epoch=True,
         begin=2, end=30)
]
auto_scale_lr = dict(enable=False, base_batch_size=16)
