# SME-GCN finetuned on MTL-AQA (split 0), the field's protocol: target = the
# final score, Spearman's rho and R-l2 on the 353 test dives (see
# mtl_aqa_pose.py for R-l2's range). The encoder of pretrain_mtl_aqa.py plus
# a linear regression layer, λ1·MSE + λ2·MAE, 100 epochs, the last epoch
# reported. Execution-score variant: finetune_mtl_aqa_execution.py.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/sme_gcn_regressor.py',
    '../_base_/datasets/mtl_aqa_pose.py',
    '../_base_/schedules/adamw_cosine_100e.py',
]

pretrained = 'work_dirs/pretrain_mtl_aqa/epoch_100.pth'
model = dict(backbone=dict(init_cfg=dict(checkpoint=pretrained)))
