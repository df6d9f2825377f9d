# SME-GCN InfoNCE pretraining on MTL-AQA HRNet skeletons (paper §3.1, the
# recipe as for UNLV-Dive): T = 103, r_m = 0.38, the full CTR-GCN width,
# 100 epochs on the 1,059 training dives (3.5x UNLV-Dive's per epoch).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/sme_gcn_pretrainer.py',
    '../_base_/datasets/mtl_aqa_pose_pretrain.py',
    '../_base_/schedules/adamw_cosine_100e_pretrain.py',
]
