# 2M-AF on MMFS-63 (63 figure-skating classes, 3,959 / 956), end to end with
# frozen stream backbones, the recipe of 2maf_aqa7.py: the SME-GCN of
# configs/sme_gcn/finetune_mmfs63.py over a 256-frame window (as in the
# authors' code) and the Kinetics-400 I3D over 10 clips spread over the
# video. Cached features: 2maf_mmfs63_cached.py (see 2maf_aqa7.py).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/2maf_two_stream.py',
    '../_base_/datasets/mmfs63_two_stream.py',
    '../_base_/schedules/adam_100e.py',
]

skeleton_checkpoint = 'work_dirs/finetune_mmfs63/epoch_100.pth'
model = dict(
    skeleton_backbone=dict(init_cfg=dict(checkpoint=skeleton_checkpoint)))
default_hooks = dict(checkpoint=dict(interval=10))
