# 2M-AF on the built-in SYNTHETIC set, on cached features: the same model as
# 2maf_synthetic.py with the frozen backbones run once beforehand,
#   python tools/cache_features.py configs/2maf/2maf_synthetic.py \
#       --out-dir work_dirs/quickstart/2maf/features
# so the PFM head trains in seconds. Checkpoints are interchangeable with the
# end-to-end config (same head keys; the backbones come from their own
# checkpoints there). Features computed elsewhere: tools/import_features.py.
_base_ = ['./2maf_synthetic.py']

feature_dir = 'work_dirs/quickstart/2maf/features'
pipeline = [
    dict(type='LoadAQAFeatures', streams=('skeleton', 'rgb')),
    dict(type='PackAQAInputs', collect_keys=('feat_skeleton', 'feat_rgb'))
]
train_dataloader = dict(
    num_workers=0, persistent_workers=False,
    dataset=dict(modality='Feature', data_prefix=dict(feature=feature_dir),
                 pipeline=pipeline))
val_dataloader = dict(
    num_workers=0, persistent_workers=False,
    dataset=dict(modality='Feature', data_prefix=dict(feature=feature_dir),
                 pipeline=pipeline))
test_dataloader = val_dataloader

model = dict(
    skeleton_backbone=None,
    rgb_backbone=None,
    data_preprocessor=dict(_delete_=True, type='MultiInputDataPreprocessor'))
