# 2M-AF on AQA-7, all six classes pooled (the paper's "All", Tables 4-9),
# end to end: I3D over 10 clips x 16 frames at 224 px (as CoRe) and the
# finetuned SME-GCN over the 103-frame HRNet skeleton, both frozen (the
# authors' code), fused by PFM (Eq. 5-9). Per-class protocol ("Ave"):
# tools/analysis/run_protocol.py with this config (class_ids=[c]).
# Stream checkpoints: the skeleton stream of configs/sme_gcn/finetune_aqa7.py
# (train it first); the RGB stream as configs/_base_/models/2maf_two_stream.py
# says (Kinetics-400 I3D by default, or configs/i3d/i3d_regressor_aqa7.py).
# Then cache the features once and train PFM in seconds:
#   python tools/cache_features.py configs/2maf/2maf_aqa7.py \
#       --out-dir work_dirs/2maf_aqa7/features
#   python tools/train.py configs/2maf/2maf_aqa7_cached.py
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/2maf_two_stream.py',
    '../_base_/datasets/aqa7_two_stream.py',
    '../_base_/schedules/adam_100e.py',
]

skeleton_checkpoint = 'work_dirs/finetune_aqa7/epoch_100.pth'
model = dict(
    skeleton_backbone=dict(init_cfg=dict(checkpoint=skeleton_checkpoint)))
default_hooks = dict(checkpoint=dict(interval=10))
