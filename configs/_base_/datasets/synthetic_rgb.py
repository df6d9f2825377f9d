# The built-in SYNTHETIC procedural AQA set (tools/data/synthetic), RGB
# stream: videos/<id>.mp4, 128x128 px, 64 frames. Generate it with:
#   python tools/data/synthetic/generate_synthetic.py --out-dir data/synthetic
# Small clips for CPU speed: 2 clips of 16 frames spread over the video
# (starts 0 and 48 for 64 frames) and 112 px crops, instead of the paper's
# 10 x 16 frames at 224 px (configs/i3d/i3d_regressor_aqa7.py).
dataset_type = 'AQADataset'
data_root = 'data/synthetic'
ann_file = f'{data_root}/synthetic_aqa.pkl'
clip_len = 16
num_clips = 2
clip_stride = None  # None: clips spread evenly from first to last frame
crop_size = 112

train_pipeline = [
    dict(type='DecordClips', clip_len=clip_len, num_clips=num_clips,
         clip_stride=clip_stride),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='RandomCrop', size=crop_size),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),  # (clips, C, T, H, W)
    dict(type='PackAQAInputs')
]
test_pipeline = [
    dict(type='DecordClips', clip_len=clip_len, num_clips=num_clips,
         clip_stride=clip_stride),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackAQAInputs')
]

train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='train',
                 modality='RGB', data_prefix=dict(video=data_root),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='test',
                 modality='RGB', data_prefix=dict(video=data_root),
                 pipeline=test_pipeline, test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='SpearmanMetric')
test_evaluator = val_evaluator
