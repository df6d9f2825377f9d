# 2M-AF on MTL-AQA on cached features (PFM head only): the AQA-7 cached
# config with this dataset's files. Features from
#   python tools/cache_features.py configs/2maf/2maf_mtl_aqa.py \
#       --out-dir work_dirs/2maf_mtl_aqa/features
# Target = the final score; R-l2 over the training range 0-102.6.
_base_ = ['./2maf_aqa7_cached.py']

ann_file = 'data/mtl_aqa/mtl_aqa.pkl'
feature_dir = 'work_dirs/2maf_mtl_aqa/features'
train_pipeline = [
    dict(type='LoadAQAFeatures', streams=('skeleton', 'rgb')),
    dict(type='NormalizeScore', ann_file=ann_file, split='train',
         target_range=(0.0, 100.0)),
    dict(type='PackAQAInputs', collect_keys=('feat_skeleton', 'feat_rgb'))
]
train_dataloader = dict(
    dataset=dict(ann_file=ann_file,
                 data_prefix=dict(video='data/mtl_aqa', feature=feature_dir),
                 pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file,
                 data_prefix=dict(video='data/mtl_aqa',
                                  feature=feature_dir)))
test_dataloader = val_dataloader
