# Baseline (paper Table 4, "Skeleton"): the skeleton stream alone, a linear
# score head on the cached SME-GCN feature F^s (same features as 2M-AF).
_base_ = ['../2maf_synthetic_cached.py']
model = dict(head=dict(_delete_=True, type='FusionRegressionHead',
                       channels=dict(skeleton=128), streams=('skeleton', ),
                       loss_weights=(1.0, 1.0), score_mean=37.5,
                       score_std=27.6))
pipeline = [
    dict(type='LoadAQAFeatures', streams=('skeleton', )),
    dict(type='PackAQAInputs', collect_keys=('feat_skeleton', ))
]
train_dataloader = dict(dataset=dict(pipeline=pipeline))
val_dataloader = dict(dataset=dict(pipeline=pipeline))
test_dataloader = val_dataloader
