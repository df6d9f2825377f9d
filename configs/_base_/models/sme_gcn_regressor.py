# SME-GCN for AQA (paper §3.1, "SME-GCN for AQA"): the pretrained encoder
# plus a linear regression layer, the whole network trained with
# λ1·MSE + λ2·MAE. Configs set the checkpoint (`pretrained`).
model = dict(
    type='SkeletonAssessor',
    backbone=dict(
        type='SMEGCN',
        graph_cfg=dict(layout='coco', mode='spatial'),
        in_channels=3,
        num_person=1,
        base_channels=64,
        out_channels=256,
        # fails loudly if the checkpoint's encoder keys do not all match
        init_cfg=dict(type='StrictPretrained', checkpoint=None,
                      prefix='backbone.')),
    head=dict(
        type='AQARegressionHead',
        in_channels=256,
        loss_weights=(1.0, 1.0),
        dropout=0.2,
        # standardised targets: scores normalised to [0, 100] (NormalizeScore)
        score_mean=50.0,
        score_std=25.0))
