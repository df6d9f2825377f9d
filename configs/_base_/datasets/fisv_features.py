# Fis-V (500 figure-skating programs, split 400 / 100) on the Video-Swin clip
# features GDLT released (one 1024-d row per 32-frame clip, 124-302 clips per
# program), imported with
#   python tools/import_feature_sequences.py FIS_V/swintx_avg_fps25_clip32 \
#       --labels train=FIS_V/train.txt --labels test=FIS_V/test.txt \
#       --score TES --out-dir data/fisv          # and again with --score PCS
# which writes data/fisv/{fisv_tes.pkl, fisv_pcs.pkl, features/}. Elsewhere:
# --cfg-options train_dataloader.dataset.ann_file=... (see
# projects/fisv/README.md), or projects/fisv/run.py --data-root, which sets
# every path.
dataset_type = 'AQADataset'
data_root = 'data/fisv'
ann_file = f'{data_root}/fisv_tes.pkl'
feature_prefix = dict(feature=f'{data_root}/features')

# the whole sequence, train and test (2M-AF's RGB stream averages every clip)
pipeline = [
    dict(type='LoadAQAFeatures', streams=('rgb', )),
    dict(type='PackAQAInputs', collect_keys=('feat_rgb', ),
         meta_keys=('frame_dir', 'class_name'))
]
train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='train',
                 modality='Feature', data_prefix=feature_prefix,
                 pipeline=pipeline))
# The val split is the test split, evaluated only after the last epoch (the
# model configs set val_interval = max_epochs): the reported number is the
# last epoch's, never an epoch picked on the test set.
val_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='test',
                 modality='Feature', data_prefix=feature_prefix,
                 pipeline=pipeline, test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='SpearmanMetric')
test_evaluator = val_evaluator
