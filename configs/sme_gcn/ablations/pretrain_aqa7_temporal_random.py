# Ablation (Table 7: temporal + random masks) of SME-GCN pretraining on AQA-7:
# a random-frame mask (RandomMask, same r_m = 0.38) replaces the variance
# mask; everything else as configs/sme_gcn/pretrain_aqa7.py. Finetune with
# finetune_aqa7.py.
_base_ = ['../pretrain_aqa7.py']

train_pipeline = [
    dict(type='RandomMask', mask_ratio=step.mask_ratio,
         center_joint=step.center_joint, out_key=step.out_key)
    if step.type == 'VarianceMask' else step
    for step in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
