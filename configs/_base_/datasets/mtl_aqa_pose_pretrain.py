# MTL-AQA HRNet skeletons for SME-GCN InfoNCE pretraining (paper §3.1, the
# recipe as for UNLV-Dive): every dive resampled to T = 103 frames (the clip
# length CoRe feeds for MTL-AQA, configs/MTL_CoRe.yaml frame_length),
# r_m = 0.38. Only the 1,059 training dives are used (no test skeletons in
# the encoder). Data: tools/data/mtl_aqa/make_dive_list.py ->
# tools/extract_pose.py -> tools/data/mtl_aqa/convert_mtl_aqa.py
# (docs/user_guides/data_preparation.md).
dataset_type = 'AQADataset'
data_root = 'data/mtl_aqa'
ann_file = f'{data_root}/mtl_aqa.pkl'
clip_len = 103  # dives are 55-274 frames (median 101)
mask_ratio = 0.38  # r_m: 39 frames masked, 64 kept
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
