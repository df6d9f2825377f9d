# SME-GCN finetuning on the real sets: AdamW, a 5-epoch linear warm-up, then
# cosine decay over 100 epochs. The paper gives no schedule; this one is
# ours. The reported number is the last epoch's (no test-set selection).
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=5e-4, weight_decay=1e-4),
    clip_grad=dict(max_norm=10.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=95, eta_min=1e-5, by_epoch=True,
         begin=5, end=100)
]
# lr above is for a total batch of 16 (1 GPU x 16)
auto_scale_lr = dict(enable=False, base_batch_size=16)
