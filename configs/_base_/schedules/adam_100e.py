# The authors' recipe for the PFM head of 2M-AF: Adam, lr 5e-4, constant,
# batch 16, 100 epochs. Also used for other heads on frozen features.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = []
auto_scale_lr = dict(enable=False, base_batch_size=16)
