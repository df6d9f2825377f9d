# nw_ucla_xview_finetune.py with the pretrained encoder at 0.1x the learning
# rate (SGD 0.01), the new head at the recipe's 0.1: the usual finetuning
# recipe when few labels meet a pretrained encoder, so that the first large
# steps of the random head do not overwrite the features (the question of
# this study at 5 % labels: python -m projects.nw_ucla_semi.run
# --finetune-config). One line beyond the finetuning config.
_base_ = ['../../../configs/sme_gcn/transfer/nw_ucla_xview_finetune.py']

optim_wrapper = dict(paramwise_cfg=dict(custom_keys=dict(
    backbone=dict(lr_mult=0.1))))
