# 2M-AF with cross-fitted labels (as 2maf_synthetic_cached_crossfit.py) and
# the safe fallback (beyond the paper). One fold of the training split
# (class-stratified, 20 %) is held out as the validation set; after each
# validation PFMFallbackHook compares the selector with always using the
# better stream on it and falls back when the selector is worse. The test
# split is only used by tools/test.py.
_base_ = ['./2maf_synthetic_cached.py']

model = dict(head=dict(preference='given'))
train_pipeline = [
    dict(type='LoadAQAFeatures', streams=('skeleton', 'rgb'),
         preference_file='work_dirs/quickstart/2maf/features/'
         'preferences_k5_s0.pkl'),
    dict(type='PackAQAInputs', collect_keys=('feat_skeleton', 'feat_rgb'))
]
holdout = dict(num_folds=5, fold=0, seed=0)
features = dict(type='AQADataset', ann_file='data/synthetic/synthetic_aqa.pkl',
                split='train', modality='Feature',
                data_prefix=dict(video='data/synthetic',
                                 feature='work_dirs/quickstart/2maf/features'))
# both parts of the training split through the SubsetDataset wrapper
train_dataloader = dict(dataset=dict(
    _delete_=True, type='SubsetDataset',
    dataset=dict(features, pipeline=train_pipeline),
    holdout=dict(holdout, part='train')))
val_dataloader = dict(dataset=dict(
    _delete_=True, type='SubsetDataset',
    dataset=dict(features, test_mode=True, pipeline=[
        dict(type='LoadAQAFeatures', streams=('skeleton', 'rgb')),
        dict(type='PackAQAInputs', collect_keys=('feat_skeleton', 'feat_rgb'))
    ]),
    holdout=dict(holdout, part='val')))
test_dataloader = dict(
    batch_size=16, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='AQADataset',
                 ann_file='data/synthetic/synthetic_aqa.pkl',
                 split='test', modality='Feature',
                 data_prefix=dict(
                     feature='work_dirs/quickstart/2maf/features'),
                 pipeline=[
                     dict(type='LoadAQAFeatures', streams=('skeleton', 'rgb')),
                     dict(type='PackAQAInputs',
                          collect_keys=('feat_skeleton', 'feat_rgb'))
                 ], test_mode=True))
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='NonFiniteLossHook'),
    dict(type='PFMFallbackHook')
]
