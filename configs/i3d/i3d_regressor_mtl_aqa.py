# RGB stream alone on MTL-AQA (1,059 / 353), target = the final score: the
# Kinetics-400 Inception-v1 I3D and recipe of i3d_regressor_aqa7.py (Adam,
# lr 1e-3, backbone x0.1, as CoRe), 10 clips of 16 frames spread evenly over
# each dive (dives are 55-274 frames; CoRe takes the 103 frames ending at
# end_frame, 10 clips every 10 frames), 455x256 -> 224 px.
# Input: one video per dive, data/mtl_aqa/dives/<vv>_<dd>.mp4 (the
# converter's default --video-template), cut from the whole-event videos
# with tools/data/mtl_aqa/cut_dives.py (docs/data_preparation.md).
# R-l2 uses the training split's final-score range, 0-102.6.
_base_ = ['./i3d_regressor_aqa7.py']

data_root = 'data/mtl_aqa'
ann_file = f'{data_root}/mtl_aqa.pkl'
train_pipeline = [
    dict(type='DecordClips', clip_len=16, num_clips=10, clip_stride=None),
    dict(type='Resize', scale=(455, 256), keep_ratio=False),
    dict(type='RandomCrop', size=224),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),  # (10, C, 16, 224, 224)
    dict(type='PackAQAInputs')
]
test_pipeline = [
    dict(type='DecordClips', clip_len=16, num_clips=10, clip_stride=None),
    dict(type='Resize', scale=(455, 256), keep_ratio=False),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackAQAInputs')
]
dataset = dict(ann_file=ann_file, class_ids=None,
               data_prefix=dict(video=data_root))
train_dataloader = dict(dataset=dict(**dataset, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(**dataset, pipeline=test_pipeline))
test_dataloader = val_dataloader

# training-split final score: mean 67.40, std 16.50 (measured on the
# release's train_split_0, 1,059 dives)
model = dict(head=dict(score_mean=67.4, score_std=16.5))
