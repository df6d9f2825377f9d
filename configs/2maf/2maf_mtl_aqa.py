# 2M-AF on MTL-AQA (1,059 / 353; target = the final score), end to end with
# frozen stream backbones; see 2maf_aqa7.py for the recipe. Skeleton: the
# SME-GCN of configs/sme_gcn/finetune_mtl_aqa.py over 103 resampled frames;
# RGB: 10 clips of 16 frames spread evenly over each dive video
# (dives/<vv>_<dd>.mp4, tools/data/mtl_aqa/cut_dives.py), 224 px, through
# the Kinetics-400 I3D of 2maf_aqa7.py (or a finetuned RGB stream, as
# there). R-l2 uses the training split's range, 0-102.6.
# Then cache the features once and train PFM in seconds:
#   python tools/cache_features.py configs/2maf/2maf_mtl_aqa.py \
#       --out-dir work_dirs/2maf_mtl_aqa/features
#   python tools/train.py configs/2maf/2maf_mtl_aqa_cached.py
_base_ = ['./2maf_aqa7.py']

data_root = 'data/mtl_aqa'
ann_file = f'{data_root}/mtl_aqa.pkl'
skeleton_checkpoint = 'work_dirs/finetune_mtl_aqa/epoch_100.pth'
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
    dict(type='DecordClips', clip_len=16, num_clips=10, clip_stride=None),
    dict(type='Resize', scale=(455, 256), keep_ratio=False),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
]
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
    dataset=dict(ann_file=ann_file, data_prefix=dict(video=data_root),
                 pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, data_prefix=dict(video=data_root),
                 pipeline=pipeline))
test_dataloader = val_dataloader
model = dict(
    skeleton_backbone=dict(init_cfg=dict(checkpoint=skeleton_checkpoint)))
