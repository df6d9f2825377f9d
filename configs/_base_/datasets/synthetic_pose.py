# The built-in SYNTHETIC procedural AQA set (tools/data/synthetic), skeleton
# stream: the small variant of the real sets' *_pose.py (same transforms;
# 64 frames; raw scores, no normalisation). Generate it with:
#   python tools/data/synthetic/generate_synthetic.py --out-dir data/synthetic
dataset_type = 'AQADataset'
data_root = 'data/synthetic'
ann_file = f'{data_root}/synthetic_aqa.pkl'
clip_len = 64  # frames per sample fed to the GCN (the set has 64)
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
    dict(type='PackAQAInputs')
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

val_evaluator = dict(type='SpearmanMetric')
test_evaluator = val_evaluator
