# The built-in SYNTHETIC set for SME-GCN pretraining (paper §3.1), the small
# variant of the real sets' *_pose_pretrain.py: every training sequence
# gives two masked views, the variance mask (Eq. 1-3) and the temporal
# (interval) mask, encoded by one siamese encoder. Only the train split is
# used: pretraining on test skeletons would leak the test set into the
# encoder, even without labels.
dataset_type = 'AQADataset'
data_root = 'data/synthetic'
ann_file = f'{data_root}/synthetic_aqa.pkl'
clip_len = 64      # T of the synthetic set (AQA-7 uses 103)
mask_ratio = 0.38  # r_m: 0.38 * 64 -> 24 frames masked, 40 kept
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
