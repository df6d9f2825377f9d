# SME-GCN InfoNCE pretraining on AQA-7 HRNet skeletons (paper §3.1), the
# paper's setting: T = 103, r_m = 0.38, the full CTR-GCN width (C^s = 256),
# 100 epochs. Data: docs/user_guides/data_preparation.md; elsewhere, pass
# --cfg-options train_dataloader.dataset.ann_file=PATH.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/sme_gcn_pretrainer.py',
    '../_base_/datasets/aqa7_pose_pretrain.py',
    '../_base_/schedules/adamw_cosine_100e_pretrain.py',
]
