# Baseline (paper Table 4, "RGB"): the RGB stream alone, a linear score head
# on the cached I3D feature F^r (same features as 2M-AF).
_base_ = ['../2maf_synthetic_cached.py']
model = dict(head=dict(_delete_=True, type='FusionRegressionHead',
                       channels=dict(rgb=1024), streams=('rgb', ),
                       loss_weights=(1.0, 1.0), score_mean=37.5,
                       score_std=27.6))
pipeline = [
    dict(type='LoadAQAFeatures', streams=('rgb', )),
    dict(type='PackAQAInputs', collect_keys=('feat_rgb', ))
]
train_dataloader = dict(dataset=dict(pipeline=pipeline))
val_dataloader = dict(dataset=dict(pipeline=pipeline))
test_dataloader = val_dataloader
