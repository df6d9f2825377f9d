# Baseline skeleton stream on the built-in SYNTHETIC set: mmaction2's ST-GCN
# (6 stages, 32 base channels, to train in a few CPU minutes) with a linear
# score head, 30 epochs.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/stgcn_regressor.py',
    '../_base_/datasets/synthetic_pose.py',
    '../_base_/schedules/adamw_cosine_30e.py',
]

# ST-GCN sees the skeleton as PreNormalize2D leaves it: without the SME-GCN
# input convention of synthetic_pose.py (re-centring on joint 8 by a
# TemporalMask with r_m = 0).
train_pipeline = [
    step for step in _base_.train_pipeline if step.type != 'TemporalMask'
]
test_pipeline = [
    step for step in _base_.test_pipeline if step.type != 'TemporalMask'
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
