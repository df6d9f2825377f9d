# Ablation (Table 7: variance + random masks) of SME-GCN pretraining on AQA-7;
# everything else as configs/sme_gcn/pretrain_aqa7.py. Finetune with
# finetune_aqa7.py.
# (Three _base_ hops: ablation -> pretrain_aqa7 -> pretrain_synthetic.)
_base_ = ['../pretrain_aqa7.py']

mask_ratio = 0.38
window = 2
center_joint = 8
clip_len = 103
train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1),
    dict(type='PoseDecode'),
    dict(type='VarianceMask', mask_ratio=mask_ratio, window=window,
         center_joint=center_joint, out_key='keypoint_var'),
    dict(type='RandomMask', mask_ratio=mask_ratio,
         center_joint=center_joint, out_key='keypoint_tem'),
    dict(type='PackAQAInputs', collect_keys=('keypoint_var', 'keypoint_tem'))
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
