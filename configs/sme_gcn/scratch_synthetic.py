# The finetuning recipe with a randomly initialised encoder: the baseline that
# shows what SME-GCN pretraining adds (same schedule, same head).
_base_ = ['./finetune_synthetic.py']

model = dict(backbone=dict(init_cfg=None))
