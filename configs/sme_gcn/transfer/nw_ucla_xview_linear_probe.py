# Linear probe of the NW-UCLA-pretrained SME-GCN encoder: only GCNHead's fc
# learns. The backbone gets lr_mult = decay_mult = 0 through mmengine's
# paramwise_cfg, so SGD never changes its weights (momentum of a zero step is
# zero). Caveat: mmengine has no option that keeps a sub-module in eval mode,
# so BatchNorm running statistics still adapt to NW-UCLA during training
# (a "BN-adapted" probe); a strict probe needs an SMEGCN `frozen` flag or a
# hook calling backbone.eval() each epoch.
_base_ = ['./nw_ucla_xview_finetune.py']

optim_wrapper = dict(
    paramwise_cfg=dict(
        custom_keys={'backbone': dict(lr_mult=0.0, decay_mult=0.0)}))
