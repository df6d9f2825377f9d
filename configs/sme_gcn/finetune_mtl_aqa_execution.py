# MTL-AQA execution-score variant: target = final score / difficulty (what
# CoRe regresses with usingDD, and the UNLV-Dive label), from the annotation
# file of
#   python tools/data/mtl_aqa/convert_mtl_aqa.py ANNO_DIR POSE_DIR \
#       data/mtl_aqa/mtl_aqa_execution.pkl --label execution
# Metrics are on the execution score (training range 0-29.0 for R-l2).
# Everything else as finetune_mtl_aqa.py.
_base_ = ['./finetune_mtl_aqa.py']

ann_file = 'data/mtl_aqa/mtl_aqa_execution.pkl'
# the score ranges of NormalizeScore come from this annotation file too
train_pipeline = [
    dict(step, ann_file=ann_file) if step.type == 'NormalizeScore' else step
    for step in _base_.train_pipeline
]
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = val_dataloader
