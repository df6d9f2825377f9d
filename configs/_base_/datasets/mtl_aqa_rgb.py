# MTL-AQA (split 0: 1,059 / 353 dives; target = the final score), RGB stream
# for I3D: 10 clips of 16 frames spread evenly over each dive (dives are
# 55-274 frames; CoRe takes the 103 frames ending at end_frame, 10 clips
# every 10 frames), resized to 455x256 and cropped to 224 (random crop +
# flip for training, centre crop for testing).
# Input: one video per dive, data/mtl_aqa/dives/<vv>_<dd>.mp4 (the
# converter's default --video-template), cut from the whole-event videos
# with tools/data/mtl_aqa/cut_dives.py (docs/user_guides/data_preparation.md).
# R-l2 uses the training split's final-score range, 0-102.6.
dataset_type = 'AQADataset'
data_root = 'data/mtl_aqa'
ann_file = f'{data_root}/mtl_aqa.pkl'
clip_len = 16
num_clips = 10
clip_stride = None  # None: clips spread evenly from first to last frame
class_ids = None

train_pipeline = [
    dict(type='DecordClips', clip_len=clip_len, num_clips=num_clips,
         clip_stride=clip_stride),
    dict(type='Resize', scale=(455, 256), keep_ratio=False),
    dict(type='RandomCrop', size=224),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),  # (10, C, 16, 224, 224)
    dict(type='PackAQAInputs')
]
test_pipeline = [
    dict(type='DecordClips', clip_len=clip_len, num_clips=num_clips,
         clip_stride=clip_stride),
    dict(type='Resize', scale=(455, 256), keep_ratio=False),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackAQAInputs')
]

train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='train',
                 modality='RGB', class_ids=class_ids,
                 data_prefix=dict(video=data_root), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='test',
                 modality='RGB', class_ids=class_ids,
                 data_prefix=dict(video=data_root), pipeline=test_pipeline,
                 test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='SpearmanMetric')
test_evaluator = val_evaluator
