# 2M-AF on MTL-AQA (1,059 / 353; target = the final score), end to end with
# frozen stream backbones, the recipe of 2maf_aqa7.py: the SME-GCN of
# configs/sme_gcn/finetune_mtl_aqa.py over 103 resampled frames and the
# Kinetics-400 I3D over 10 clips of each dive video. R-l2 uses the training
# split's range, 0-102.6.
# Then cache the features once and train PFM in seconds:
#   python tools/cache_features.py configs/2maf/2maf_mtl_aqa.py \
#       --out-dir work_dirs/2maf_mtl_aqa/features
#   python tools/train.py configs/2maf/2maf_mtl_aqa_cached.py
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/2maf_two_stream.py',
    '../_base_/datasets/mtl_aqa_two_stream.py',
    '../_base_/schedules/adam_100e.py',
]

skeleton_checkpoint = 'work_dirs/finetune_mtl_aqa/epoch_100.pth'
model = dict(
    skeleton_backbone=dict(init_cfg=dict(checkpoint=skeleton_checkpoint)))
default_hooks = dict(checkpoint=dict(interval=10))
