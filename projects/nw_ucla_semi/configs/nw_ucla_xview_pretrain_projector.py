# nw_ucla_xview_pretrain.py with one change: an MLP projection head
# (256 -> 256 -> 128, Linear-BN-ReLU-Linear) between the encoder feature and
# InfoNCE, saved under 'projector.' and so dropped by the finetuning configs
# (they load prefix 'backbone.'). The encoder already ends with a linear fc
# 256 -> 256 that finetuning discards; the MLP adds the nonlinear part that
# SimCLR (§4.2) found keeps the pre-head representation general. Other knobs
# are one-liners too, e.g. a softer InfoNCE:
# model = dict(loss=dict(temperature=0.2))
_base_ = ['../../../configs/sme_gcn/transfer/nw_ucla_xview_pretrain.py']

model = dict(projector=dict(type='MLPProjector', in_channels=256,
                            hidden_channels=256, out_channels=128))
