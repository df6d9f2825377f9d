# SME-GCN InfoNCE pretraining on MTL-AQA HRNet skeletons (paper §3.1 recipe
# as for UNLV-Dive): every dive's skeleton resampled to T = 103 frames (the
# clip length CoRe feeds for MTL-AQA, configs/MTL_CoRe.yaml frame_length),
# r_m = 0.38, full CTR-GCN width. Pretraining uses the 1,059 training dives
# only. Data: tools/data/mtl_aqa/make_dive_list.py -> tools/extract_pose.py
# -> tools/data/mtl_aqa/convert_mtl_aqa.py (docs/data_preparation.md).
_base_ = ['./pretrain_synthetic.py']

data_root = 'data/mtl_aqa'
ann_file = f'{data_root}/mtl_aqa.pkl'
clip_len = 103     # dives are 55-274 frames (median 101) in the release
mask_ratio = 0.38  # 39 frames masked, 64 kept
window = 2         # half-window k of Eq. 2 (not given in the paper)
center_joint = 8   # the paper's centre joint for HRNet

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
    dataset=dict(ann_file=ann_file, pipeline=train_pipeline))

model = dict(encoder=dict(base_channels=64, out_channels=256))  # paper width

# The paper gives no pretraining schedule; 100 epochs of AdamW is ours (as
# for UNLV-Dive; MTL-AQA has 3.5x its training dives per epoch).
train_cfg = dict(max_epochs=100)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=95, eta_min=1e-5, by_epoch=True,
         begin=5, end=100)
]
