# 2M-AF on MMFS-63 on cached features: the PFM head alone, trained in
# seconds on the features tools/cache_features.py wrote from
# configs/2maf/2maf_mmfs63.py (see there). Features computed elsewhere (any
# two (N, C) arrays per split): tools/import_features.py.
_base_ = ['./2maf_mmfs63.py']

feature_dir = 'work_dirs/2maf_mmfs63/features'
pipeline = [
    dict(type='LoadAQAFeatures', streams=('skeleton', 'rgb')),
    dict(type='PackAQAInputs', collect_keys=('feat_skeleton', 'feat_rgb'))
]
train_pipeline = pipeline[:-1] + [
    dict(type='NormalizeScore', ann_file={{_base_.ann_file}}, split='train',
         target_range={{_base_.target_range}}), pipeline[-1]]
train_dataloader = dict(
    num_workers=0, persistent_workers=False,
    dataset=dict(modality='Feature', data_prefix=dict(feature=feature_dir),
                 pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=0, persistent_workers=False,
    dataset=dict(modality='Feature', data_prefix=dict(feature=feature_dir),
                 pipeline=pipeline))
test_dataloader = val_dataloader
model = dict(
    skeleton_backbone=None,
    rgb_backbone=None,
    data_preprocessor=dict(type='MultiInputDataPreprocessor'))
