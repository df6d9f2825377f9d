# Backbone ablation: mmaction2's AAGCN
# in the SME-GCN finetuning pipeline on AQA-7 (same data, centring, head, loss
# and schedule as configs/sme_gcn/finetune_aqa7.py), trained from scratch.
# The head pools the (N, M, C, T, V) map these backbones return.
_base_ = ['../finetune_aqa7.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='AAGCN',
        graph_cfg=dict(layout='coco', mode='spatial'),
        in_channels=3,
        num_person=1),
    head=dict(in_channels=256))
