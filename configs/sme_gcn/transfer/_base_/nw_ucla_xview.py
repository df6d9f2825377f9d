# NW-UCLA cross-view (train views 1+2: 1,020 sequences; test view 3: 464),
# joint stream, SME-GCN + mmaction2's GCNHead, trained from scratch.
# Make the pkl with tools/data/nw_ucla/convert_nw_ucla.py.
# Recipe: the official CTR-GCN NW-UCLA one scaled to 1/5 on every axis (the
# official code reaches 89.66 % top-1 under it on 2 CPU cores; see
# projects/nw_ucla_transfer/README.md).
data_root = 'data/nw_ucla'
ann_file = f'{data_root}/nw_ucla_xview.pkl'
clip_len = 52
center_joint = 0  # Kinect v1 joint 0 = hip centre (spine base)

# Kinect v1 (20 joints, 0-based): 0 hip centre, 1 spine, 2 shoulder centre,
# 3 head, 4-7 left shoulder/elbow/wrist/hand, 8-11 right arm, 12-15 left
# hip/knee/ankle/foot, 16-19 right leg. Edges (child, parent) as in CTR-GCN's
# graph/ucla.py (Uason-Chen/CTR-GCN, `inward_ori_index`, 1-based there).
# Centre 2 = shoulder centre, the joint the arms and the spine meet at, as
# NTU's 'spine shoulder' (20) in mmaction2's nturgb+d layout.
ucla_layout = dict(
    num_node=20,
    inward=[(1, 0), (2, 1), (3, 2), (4, 2), (5, 4), (6, 5), (7, 6), (8, 2),
            (9, 8), (10, 9), (11, 10), (12, 0), (13, 12), (14, 13), (15, 14),
            (16, 0), (17, 16), (18, 17), (19, 18)],
    center=2)
graph_cfg = dict(layout=ucla_layout, mode='spatial')

# Augmentation and sampling of the official CTR-GCN NW-UCLA feeder: centre
# on the spine (joint 1) of the first frame, rotate by up to ±60° about x
# and y and scale by 0.5-1.5 (train only), map each axis to [-1, 1] over the
# clip, then draw 52 random sorted frames (train) or 52 evenly spaced ones
# (test). mmaction2 1.1.0 has none of these, hence aqa_mm's transforms.
view_center_joint = 1
train_pipeline = [
    dict(type='RandomViewTransform3D', max_angle=60, scale_range=(0.5, 1.5),
         center_joint=view_center_joint),
    dict(type='MinMaxNormalize'),
    dict(type='SortedRandomSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='RandomViewTransform3D', center_joint=view_center_joint,
         test_mode=True),
    dict(type='MinMaxNormalize'),
    dict(type='SortedRandomSampleFrames', clip_len=clip_len, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    # one "epoch" = 5 passes over the 1,020 sequences (CTR-GCN's repeat: 5)
    dataset=dict(
        type='RepeatDataset',
        times=5,
        dataset=dict(type='PoseDataset', ann_file=ann_file,
                     split='xview_train', pipeline=train_pipeline)))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='PoseDataset', ann_file=ann_file, split='xview_val',
                 pipeline=test_pipeline, test_mode=True))
test_dataloader = val_dataloader
# view 3 is the test set: report the LAST epoch, never the best one
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

model = dict(
    type='RecognizerGCN',
    backbone=dict(type='SMEGCN', graph_cfg=graph_cfg, in_channels=3,
                  num_person=1, out_type='map'),  # (N, M, 256, T/4, V)
    # fc initialised as CTR-GCN's: N(0, sqrt(2 / num_class))
    cls_head=dict(type='GCNHead', num_classes=10, in_channels=256,
                  init_cfg=dict(type='Normal', layer='Linear',
                                std=(2 / 10)**0.5)))

# 13 epochs x RepeatDataset(5) = 65 passes, the official 65-epoch schedule's
# data volume at 1/5 the epochs; warm-up 1 epoch, LR x0.1 at epoch 10
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=13, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4,
                   nesterov=True))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    # begin=0: mmengine counts milestones from `begin`, so this steps at
    # (0-based) epoch 10 like CTR-GCN's `step: [10]`; begin=1 would step
    # one epoch late (tests/test_transfer_configs.py checks it)
    dict(type='MultiStepLR', milestones=[10], gamma=0.1, by_epoch=True,
         begin=0, end=13)
]
auto_scale_lr = dict(enable=False, base_batch_size=16)
