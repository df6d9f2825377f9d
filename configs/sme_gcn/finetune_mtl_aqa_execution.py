# MTL-AQA execution-score variant: target = final score / difficulty (what
# CoRe regresses with usingDD, and the UNLV-Dive label), from the annotation
# file of
#   python tools/data/mtl_aqa/convert_mtl_aqa.py ANNO_DIR POSE_DIR \
#       data/mtl_aqa/mtl_aqa_execution.pkl --label execution
# Metrics are on the execution score (training range 0-29.0 for R-l2).
# Everything else as finetune_mtl_aqa.py.
_base_ = ['./finetune_mtl_aqa.py']

ann_file = 'data/mtl_aqa/mtl_aqa_execution.pkl'
train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=103),
    dict(type='PoseDecode'),
    dict(type='TemporalMask', mask_ratio=0.0, center_joint=8),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='NormalizeScore', ann_file=ann_file, split='train',
         target_range=(0.0, 100.0)),
    dict(type='PackAQAInputs')
]
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = val_dataloader
