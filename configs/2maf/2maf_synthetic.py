# 2M-AF on the built-in SYNTHETIC set, end to end, the small variant of
# 2maf_aqa7.py (paper Fig. 1): I3D on the video clips and the finetuned
# SME-GCN (32 base channels, as configs/sme_gcn/*_synthetic.py) on the
# skeleton, both frozen, fused by the Preference Fusion Module (Eq. 5-9).
# The skeleton stream: a SkeletonAssessor checkpoint of
# configs/sme_gcn/finetune_synthetic.py (the quick start sets it). The RGB
# stream as configs/_base_/models/2maf_two_stream.py says; a randomly
# initialised frozen I3D instead (a baseline):
#   --cfg-options model.rgb_backbone.init_cfg=None
# Training the head is much faster on cached features:
# configs/2maf/2maf_synthetic_cached.py (same model, same checkpoint keys).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/2maf_two_stream.py',
    '../_base_/datasets/synthetic_two_stream.py',
    '../_base_/schedules/adam_100e.py',
]

skeleton_checkpoint = 'work_dirs/quickstart/finetune/epoch_30.pth'

model = dict(
    # not in the paper: standardise both streams' features first. Needed for
    # the random I3D (features in the tens to hundreds: the selector's logits
    # explode); with the Kinetics I3D the scales are close (quick-start
    # cache: mean |x| 0.78 skeleton, 0.58 RGB) but the RGB features vary ~5x
    # less across samples (median per-dimension std 0.85 vs 0.17)
    feature_norm=True,
    skeleton_backbone=dict(base_channels=32, out_channels=128,
                           init_cfg=dict(checkpoint=skeleton_checkpoint)),
    head=dict(skeleton_channels=128,
              score_mean=37.5,  # pooled synthetic train statistics
              score_std=27.6),
    data_preprocessor=dict(
        type='MultiInputDataPreprocessor',
        preprocessors=dict(imgs=dict(
            type='ActionDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3,
            format_shape='NCTHW'))))

train_cfg = dict(val_interval=20)
default_hooks = dict(checkpoint=dict(interval=20))
# feature_norm's BatchNorm needs > 1 sample per batch (225 = 14 x 16 + 1)
train_dataloader = dict(drop_last=True)
