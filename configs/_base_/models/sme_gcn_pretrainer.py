# SME-GCN self-supervised pretraining (paper §3.1, Eq. 4): one siamese
# CTR-GCN encoder over the two masked views of a sequence (the variance mask,
# Eq. 1-3, and the temporal mask), InfoNCE between them. The encoder is saved
# under the 'backbone.' prefix that the finetuning configs load.
model = dict(
    type='SMEPretrainer',
    backbone=dict(
        type='SMEGCN',
        graph_cfg=dict(layout='coco', mode='spatial'),
        in_channels=3,       # x, y, HRNet score (GenSkeFeat appends it)
        num_person=1,
        base_channels=64,    # the paper's CTR-GCN width
        out_channels=256),   # C^s
    loss=dict(type='InfoNCELoss', temperature=0.1, mode='eq4'),
    view_keys=('keypoint_var', 'keypoint_tem'))
