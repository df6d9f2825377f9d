# Backbone ablation: mmaction2's ST-GCN
# in the SME-GCN finetuning pipeline on AQA-7 (same data, centring, head, loss
# and schedule as configs/sme_gcn/finetune_aqa7.py), trained from scratch.
# The head pools the (N, M, C, T, V) map these backbones return.
_base_ = ['../finetune_aqa7.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='STGCN',
        graph_cfg=dict(layout='coco', mode='stgcn_spatial'),
        in_channels=3),
    head=dict(in_channels=256))
