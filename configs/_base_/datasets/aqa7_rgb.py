# AQA-7 (6 classes, split 4), RGB stream, as CoRe (github.com/yuxumin/CoRe)
# feeds I3D: each video has 103 frames, cut into 10 clips of 16 frames that
# start every 10 frames (0, 10, ..., 80, then 87 = the last start where a
# clip fits; CoRe uses 86), resized to 455x256 and cropped to 224 (random
# crop + flip for training, centre crop for testing).
# Annotation: python tools/data/aqa7/convert_aqa7.py data/aqa7 POSE_DIR \
#     data/aqa7/aqa7.pkl   (video paths are relative to data_root)
dataset_type = 'AQADataset'
data_root = 'data/aqa7'  # the unzipped release: Actions/<class>/<nnn>.avi
ann_file = f'{data_root}/aqa7.pkl'
clip_len = 16
num_clips = 10
clip_stride = 10
# Per-class protocol (one model per class, as CoRe and 2M-AF report):
# 0 diving, 1 gym_vault, 2 ski_big_air, 3 snowboard_big_air,
# 4 sync_diving_3m, 5 sync_diving_10m. Change it in the model config too
# (score statistics of the head).
class_ids = [0]

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
