# NTU-60 cross-subject, SME-GCN + mmaction2's GCNHead, in mmaction2's skeleton
# pkl format (ntu60_3d.pkl from mmaction2's tools/data/skeleton; splits
# 'xsub_train' / 'xsub_val'). Recipe of mmaction2's
# stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d: 100-frame clips,
# RepeatDataset x5, SGD nesterov lr 0.1 wd 5e-4, cosine. The stream configs
# (ntu60_xsub_{joint,bone,joint_motion,bone_motion}.py) set `feats` through
# their own pipelines; tools/analysis/fuse_scores.py fuses them 2:2:1:1.
data_root = 'data/skeleton'
ann_file = f'{data_root}/ntu60_3d.pkl'
clip_len = 100
graph_cfg = dict(layout='nturgb+d', mode='spatial')

model = dict(
    type='RecognizerGCN',
    backbone=dict(type='SMEGCN', graph_cfg=graph_cfg, in_channels=3,
                  num_person=2, out_type='map'),  # (N, M, 256, T/4, V)
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=256))

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    # one "epoch" = 5 passes over the ~40k training sequences
    dataset=dict(
        type='RepeatDataset',
        times=5,
        dataset=dict(type='PoseDataset', ann_file=ann_file,
                     split='xsub_train')))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='PoseDataset', ann_file=ann_file, split='xsub_val',
                 test_mode=True))
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

# 16 epochs x RepeatDataset(5) = 80 passes (mmaction2's "80e")
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=16, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4,
                   nesterov=True))
param_scheduler = [
    dict(type='CosineAnnealingLR', eta_min=0, T_max=16, by_epoch=True,
         convert_to_iter_based=True)
]
# mmaction2 trains on 8 GPUs x 16; enable with --auto-scale-lr on fewer
auto_scale_lr = dict(enable=False, base_batch_size=128)
