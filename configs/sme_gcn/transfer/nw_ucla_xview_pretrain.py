# SME-GCN InfoNCE pretraining (paper §3.1) on the NW-UCLA cross-view TRAIN
# split only (views 1+2; labels unused): pretraining on view 3 would leak the
# test set into the encoder. The encoder is saved under 'backbone.', which
# nw_ucla_xview_{finetune,linear_probe}.py load.
_base_ = ['../../_base_/default_runtime.py', './_base_/nw_ucla_xview.py']

mask_ratio = 0.38  # r_m of the paper: 0.38 * 52 -> 20 frames masked
window = 2         # half-window k of Eq. 2, as the AQA pretraining configs
# The views are made from the clip the classifier sees (the base's view
# augmentation, min-max normalisation and sorted random sampling), so the
# encoder's input distribution is the same in pretraining and finetuning:
# the clip is already centred and scaled, hence center_joint=None (no Eq. 1
# re-centring). The 3 channels are all coordinates.
train_pipeline = [
    dict(type='RandomViewTransform3D', max_angle=60, scale_range=(0.5, 1.5),
         center_joint={{_base_.view_center_joint}}),
    dict(type='MinMaxNormalize'),
    dict(type='SortedRandomSampleFrames', clip_len={{_base_.clip_len}}),
    dict(type='PoseDecode'),
    dict(type='VarianceMask', mask_ratio=mask_ratio, window=window,
         center_joint=None, coord_channels=3, out_key='keypoint_var'),
    dict(type='TemporalMask', mask_ratio=mask_ratio, center_joint=None,
         coord_channels=3, out_key='keypoint_tem'),
    dict(type='PackAQAInputs', collect_keys=('keypoint_var', 'keypoint_tem'))
]
train_dataloader = dict(
    batch_size=32,      # InfoNCE negatives come from the batch
    drop_last=True,     # a last batch of 1 has no negatives
    dataset=dict(dataset=dict(pipeline=train_pipeline)))
# no label-free metric to validate on
val_dataloader = val_evaluator = val_cfg = None
test_dataloader = test_evaluator = test_cfg = None

# Representation quality after every epoch (= 5 passes): kNN top-1 (k = 20,
# T = 0.1) and a logistic-regression probe on the pooled encoder features of
# the un-augmented train views (reference, labelled) and test view 3, logged
# as knn/top1, probe/top1, passes in vis_data/scalars.json. A tracking
# signal: never pick the pretraining epoch by it (view 3 is the test set).
# Cost: 60-120 s per evaluation on one CPU thread (1,484 forward passes;
# measured on 2 shared cores), vs ~27 min per pretraining epoch.
# The list repeats the default runtime's two hooks (mmengine replaces lists).
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='NonFiniteLossHook'),
    dict(type='RepresentationEvalHook', interval=1, k=20, temperature=0.1,
         batch_size=32, num_workers=0, probe=True,
         train_dataset=dict(type='PoseDataset',
                            ann_file={{_base_.ann_file}},
                            split='xview_train',
                            pipeline={{_base_.test_pipeline}},
                            test_mode=True),
         test_dataset=dict(type='PoseDataset',
                           ann_file={{_base_.ann_file}},
                           split='xview_val',
                           pipeline={{_base_.test_pipeline}},
                           test_mode=True))
]

model = dict(
    _delete_=True,      # a different model type, not a tweak of the base's
    type='SMEPretrainer',
    backbone=dict(type='SMEGCN', graph_cfg={{_base_.graph_cfg}},
                 in_channels=3, num_person=1, base_channels=64,
                 out_channels=256),  # C^s
    loss=dict(type='InfoNCELoss', temperature=0.1, mode='eq4'),
    view_keys=('keypoint_var', 'keypoint_tem'))

# 13 epochs x RepeatDataset(5) as the classification schedule; the paper
# gives no pretraining recipe, AdamW + cosine is ours (as pretrain_aqa7.py)
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=13)
optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=10.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=12, eta_min=1e-5, by_epoch=True,
         begin=1, end=13)
]
auto_scale_lr = dict(enable=False, base_batch_size=32)
