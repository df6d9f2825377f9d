# The built-in SYNTHETIC set for both streams at once (2M-AF): every sample
# gives `keypoint` (1 clip of 64 frames, centred on joint 8 as the SME-GCN
# views were) and `imgs` (2 clips x 16 frames, 112 px; see
# synthetic_rgb.py). Each stream runs in its own StreamPipeline because the
# skeleton and video transforms share key names. Unlike the real sets'
# *_two_stream.py, training sees the augmented inputs (random frame
# sampling, crop and flip); the cached configs train on test-time features.
dataset_type = 'AQADataset'
data_root = 'data/synthetic'
ann_file = f'{data_root}/synthetic_aqa.pkl'
skeleton_clip_len = 64
rgb_clip_len = 16
rgb_num_clips = 2
crop_size = 112

skeleton_test = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=skeleton_clip_len,
         num_clips=1, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='TemporalMask', mask_ratio=0.0, center_joint=8),
    dict(type='FormatGCNInput', num_person=1),
]
skeleton_train = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=skeleton_clip_len),
    dict(type='PoseDecode'),
    dict(type='TemporalMask', mask_ratio=0.0, center_joint=8),
    dict(type='FormatGCNInput', num_person=1),
]
rgb_test = [
    dict(type='DecordClips', clip_len=rgb_clip_len, num_clips=rgb_num_clips),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='FormatShape', input_format='NCTHW'),
]
rgb_train = [
    dict(type='DecordClips', clip_len=rgb_clip_len, num_clips=rgb_num_clips),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='RandomCrop', size=crop_size),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
]
collect_keys = ('imgs', 'keypoint')
train_pipeline = [
    dict(type='StreamPipeline', keys=('keypoint', ), hide_keys=('imgs', ),
         transforms=skeleton_train),
    dict(type='StreamPipeline', keys=('imgs', ),
         hide_keys=('keypoint', 'keypoint_score'), transforms=rgb_train),
    dict(type='PackAQAInputs', collect_keys=collect_keys)
]
test_pipeline = [
    dict(type='StreamPipeline', keys=('keypoint', ), hide_keys=('imgs', ),
         transforms=skeleton_test),
    dict(type='StreamPipeline', keys=('imgs', ),
         hide_keys=('keypoint', 'keypoint_score'), transforms=rgb_test),
    dict(type='PackAQAInputs', collect_keys=collect_keys)
]

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='train',
                 modality='RGBPose', data_prefix=dict(video=data_root),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='test',
                 modality='RGBPose', data_prefix=dict(video=data_root),
                 pipeline=test_pipeline, test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='SpearmanMetric')
test_evaluator = val_evaluator
