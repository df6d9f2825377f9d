# The CPU-budget pretraining of python -m projects.nw_ucla_transfer.run: the
# schedule of configs/sme_gcn/transfer/nw_ucla_xview_pretrain.py cut to
# 1 epoch x RepeatDataset(5) = 5 passes over the 1,020 training sequences
# (159 iterations of 32 clips, 2 views each; about 27 minutes on one CPU
# thread). Everything else is the same.
_base_ = ['../../../configs/sme_gcn/transfer/nw_ucla_xview_pretrain.py']

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1)
param_scheduler = [
    # warm-up over the first 20 iterations, cosine over the epoch
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=20),
    dict(type='CosineAnnealingLR', T_max=1, eta_min=1e-5, by_epoch=True,
         begin=0, end=1, convert_to_iter_based=True)
]
