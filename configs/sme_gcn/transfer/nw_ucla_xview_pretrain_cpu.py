# The CPU-budget pretraining of benchmarks/bench_nw_ucla.py: the schedule of
# nw_ucla_xview_pretrain.py cut to 2 epochs x RepeatDataset(5) = 10 passes
# over the 1,020 training sequences (about 20 minutes of 2 CPU cores, the
# price of one sixth of a classification run). Everything else is the same.
_base_ = ['./nw_ucla_xview_pretrain.py']

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=2)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=1, eta_min=1e-5, by_epoch=True,
         begin=1, end=2, convert_to_iter_based=True)
]
