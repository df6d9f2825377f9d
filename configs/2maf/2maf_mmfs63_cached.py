# 2M-AF on MMFS-63 on cached features (PFM head only): the AQA-7 cached
# config with this dataset's files. Features from
#   python tools/cache_features.py configs/2maf/2maf_mmfs63.py \
#       --out-dir work_dirs/2maf_mmfs63/features
_base_ = ['./2maf_aqa7_cached.py']

ann_file = 'data/mmfs63/mmfs63.pkl'
feature_dir = 'work_dirs/2maf_mmfs63/features'
train_pipeline = [
    dict(type='LoadAQAFeatures', streams=('skeleton', 'rgb')),
    dict(type='NormalizeScore', ann_file=ann_file, split='train',
         target_range=(0.0, 100.0)),
    dict(type='PackAQAInputs', collect_keys=('feat_skeleton', 'feat_rgb'))
]
train_dataloader = dict(
    dataset=dict(ann_file=ann_file,
                 data_prefix=dict(video='data/mmfs63', feature=feature_dir),
                 pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file,
                 data_prefix=dict(video='data/mmfs63', feature=feature_dir)))
test_dataloader = val_dataloader
