# UNLV-Dive HRNet skeletons for SME-GCN InfoNCE pretraining (paper §3.1):
# T = 151 (the 151-frame release), r_m = 0.38; the train split only (no test
# skeletons in the encoder). Data: tools/extract_pose.py +
# tools/data/unlv_dive/convert_unlv_dive.py
# (docs/user_guides/data_preparation.md).
dataset_type = 'AQADataset'
data_root = 'data/unlv_dive'
ann_file = f'{data_root}/unlv_dive.pkl'
clip_len = 151  # UNLV-Dive 151-frame videos
mask_ratio = 0.38  # r_m: 57 frames masked, 94 kept
window = 2         # half-window k of Eq. 2 (not given in the paper)
center_joint = 8   # Eq. 1 centre joint, the paper's choice for HRNet

train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1),
    dict(type='PoseDecode'),
    dict(type='VarianceMask', mask_ratio=mask_ratio, window=window,
         center_joint=center_joint, out_key='keypoint_var'),
    dict(type='TemporalMask', mask_ratio=mask_ratio,
         center_joint=center_joint, out_key='keypoint_tem'),
    dict(type='PackAQAInputs', collect_keys=('keypoint_var', 'keypoint_tem'))
]

train_dataloader = dict(
    batch_size=32,      # InfoNCE negatives come from the batch
    num_workers=2,
    persistent_workers=True,
    drop_last=True,     # a last batch of 1 has no negatives
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, split='train',
                 pipeline=train_pipeline))
# no validation: there is no label-free metric to select on
val_dataloader = val_evaluator = None
test_dataloader = test_evaluator = None
