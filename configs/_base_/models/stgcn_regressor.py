# mmaction2's ST-GCN with a linear score head: a skeleton baseline. 6 stages
# of 32 base channels (mmaction2's default is 10 of 64) to train in a few CPU
# minutes.
model = dict(
    type='SkeletonAssessor',
    backbone=dict(
        type='STGCN',
        graph_cfg=dict(layout='coco', mode='stgcn_spatial'),
        in_channels=3,
        base_channels=32,
        num_stages=6,
        inflate_stages=(4, ),
        down_stages=(4, )),
    head=dict(
        type='AQARegressionHead',
        in_channels=64,  # 32 base channels, doubled once at stage 4
        loss_weights=(1.0, 1.0),
        dropout=0.2,
        # standardise targets; approximate statistics of the synthetic train
        # split (all classes pooled)
        score_mean=40.0,
        score_std=25.0))
