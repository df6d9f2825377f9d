# SME-GCN InfoNCE pretraining (paper §3.1): the paper gives no pretraining
# recipe; AdamW with a 5-epoch warm-up and cosine decay over 100 epochs is
# ours. No validation: there is no label-free metric to select on.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100)
val_cfg = None
test_cfg = None

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=10.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=95, eta_min=1e-5, by_epoch=True,
         begin=5, end=100)
]
# lr above is for a total batch of 32 (InfoNCE negatives come from it)
auto_scale_lr = dict(enable=False, base_batch_size=32)
