# Strict linear probe of the NW-UCLA-pretrained SME-GCN encoder: only
# GCNHead's fc learns. `frozen=True` turns off the encoder's gradients and
# keeps every BatchNorm in eval mode, so neither its weights nor its running
# statistics change while the probe trains.
_base_ = ['./nw_ucla_xview_finetune.py']

model = dict(backbone=dict(frozen=True))
