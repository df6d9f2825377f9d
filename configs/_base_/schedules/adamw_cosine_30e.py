# The short schedule of the built-in SYNTHETIC set (a few CPU minutes):
# AdamW, a 2-epoch linear warm-up, then cosine decay over 30 epochs.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=10.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=28, eta_min=1e-5, by_epoch=True,
         begin=2, end=30)
]
# lr above is for a total batch of 16 (1 GPU x 16)
auto_scale_lr = dict(enable=False, base_batch_size=16)
