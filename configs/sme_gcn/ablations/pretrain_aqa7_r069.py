# Ablation (Table 6: r_m = 0.69, 32 of 103 frames kept) of SME-GCN
# pretraining on AQA-7; everything else as configs/sme_gcn/pretrain_aqa7.py.
# Finetune with finetune_aqa7.py.
_base_ = ['../pretrain_aqa7.py']

mask_ratio = 0.69
train_pipeline = [
    dict(step, mask_ratio=mask_ratio) if 'mask_ratio' in step else step
    for step in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
