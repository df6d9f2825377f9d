# UNLV-Dive (the AQA-7 diving split, 300 / 70; label = the execution score,
# overall / difficulty), skeleton stream for SME-GCN: HRNet COCO-17 joints
# from tools/extract_pose.py + tools/data/unlv_dive/convert_unlv_dive.py
# (docs/user_guides/data_preparation.md). Scores are normalised to [0, 100]
# with the training split's range (as CoRe / MUSDL do) and predictions are
# mapped back before the metrics.
dataset_type = 'AQADataset'
data_root = 'data/unlv_dive'
ann_file = f'{data_root}/unlv_dive.pkl'
clip_len = 151  # UNLV-Dive 151-frame videos
center_joint = 8  # centre as the pretraining views were (Eq. 1)

# The pretraining views were centred on joint 8 by the masks; the encoder sees
# the same centring here, with nothing masked (a TemporalMask with r_m = 0).
train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='TemporalMask', mask_ratio=0.0, center_joint=center_joint),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='NormalizeScore', ann_file=ann_file, split='train',
         target_range=(0.0, 100.0)),
    dict(type='PackAQAInputs')
]
test_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='TemporalMask', mask_ratio=0.0, center_joint=center_joint),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackAQAInputs')  # raw scores: the metric maps predictions back
]

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='train',
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='test',
                 pipeline=test_pipeline, test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='SpearmanMetric', denormalize_target=(0.0, 100.0))
test_evaluator = val_evaluator
