# 2M-AF on the built-in SYNTHETIC set, on cached features: the model of
# 2maf_synthetic.py with the frozen backbones run once beforehand,
#   python tools/cache_features.py configs/2maf/2maf_synthetic.py \
#       --out-dir work_dirs/quickstart/2maf/features
# so the PFM head trains in seconds. Checkpoints are interchangeable with the
# end-to-end config (same head keys; the backbones come from their own
# checkpoints there). Features computed elsewhere: tools/import_features.py.
# The base of the fusion variants (2maf_synthetic_cached_*.py, baselines/).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/2maf_two_stream.py',
    '../_base_/datasets/synthetic_two_stream.py',
    '../_base_/schedules/adam_100e.py',
]

# the skeleton stream the cached features come from (2maf_synthetic.py)
skeleton_checkpoint = 'work_dirs/quickstart/finetune/epoch_30.pth'

model = dict(
    feature_norm=True,  # as 2maf_synthetic.py
    skeleton_backbone=None,
    rgb_backbone=None,
    head=dict(skeleton_channels=128, score_mean=37.5, score_std=27.6),
    data_preprocessor=dict(type='MultiInputDataPreprocessor'))

feature_dir = 'work_dirs/quickstart/2maf/features'
pipeline = [
    dict(type='LoadAQAFeatures', streams=('skeleton', 'rgb')),
    dict(type='PackAQAInputs', collect_keys=('feat_skeleton', 'feat_rgb'))
]
train_dataloader = dict(
    num_workers=0, persistent_workers=False,
    drop_last=True,  # feature_norm's BatchNorm needs > 1 sample per batch
    dataset=dict(modality='Feature', data_prefix=dict(feature=feature_dir),
                 pipeline=pipeline))
val_dataloader = dict(
    num_workers=0, persistent_workers=False,
    dataset=dict(modality='Feature', data_prefix=dict(feature=feature_dir),
                 pipeline=pipeline))
test_dataloader = val_dataloader

train_cfg = dict(val_interval=20)
default_hooks = dict(checkpoint=dict(interval=20))
