# 2M-AF on UNLV-Dive (the AQA-7 diving split, 300 / 70; label = execution
# score), end to end with frozen stream backbones, the recipe of
# 2maf_aqa7.py: the SME-GCN of configs/sme_gcn/finetune_unlv_dive.py over
# 151 frames and the Kinetics-400 I3D over 10 clips spread over the video.
# Cached features: 2maf_unlv_dive_cached.py (see 2maf_aqa7.py).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/2maf_two_stream.py',
    '../_base_/datasets/unlv_dive_two_stream.py',
    '../_base_/schedules/adam_100e.py',
]

skeleton_checkpoint = 'work_dirs/finetune_unlv_dive/epoch_100.pth'
model = dict(
    skeleton_backbone=dict(init_cfg=dict(checkpoint=skeleton_checkpoint)))
default_hooks = dict(checkpoint=dict(interval=10))
