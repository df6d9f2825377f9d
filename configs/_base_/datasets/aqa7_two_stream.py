# AQA-7 (six classes pooled, the paper's "All") for 2M-AF, both streams per
# sample: `keypoint`, the SME-GCN input of aqa7_pose.py (103 frames, centred
# on joint 8), and `imgs`, the I3D input of aqa7_rgb.py (10 clips of 16
# frames every 10 frames, as CoRe; 455x256 -> 224 px). Each stream runs in
# its own StreamPipeline (the skeleton and video transforms share key
# names). Scores are normalised per class to [0, 100] with the training
# split's ranges; the metric maps predictions back.
data_root = 'data/aqa7'
ann_file = f'{data_root}/aqa7.pkl'
class_ids = None  # all classes; [c] for the per-class protocol
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
