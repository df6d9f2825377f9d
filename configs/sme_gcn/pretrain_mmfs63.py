# SME-GCN InfoNCE pretraining on MMFS-63 skeletons (paper §3.1): T = 256
# (the authors' window), r_m = 0.38, the full CTR-GCN width, 100 epochs.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/sme_gcn_pretrainer.py',
    '../_base_/datasets/mmfs63_pose_pretrain.py',
    '../_base_/schedules/adamw_cosine_100e_pretrain.py',
]
