# SME-GCN InfoNCE pretraining on UNLV-Dive HRNet skeletons (paper §3.1):
# T = 151, r_m = 0.38, the full CTR-GCN width, 100 epochs.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/sme_gcn_pretrainer.py',
    '../_base_/datasets/unlv_dive_pose_pretrain.py',
    '../_base_/schedules/adamw_cosine_100e_pretrain.py',
]
