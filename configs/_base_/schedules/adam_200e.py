# CoRe's recipe for the I3D RGB stream (configs/Seven_CoRe.yaml of
# github.com/yuxumin/CoRe): Adam, lr 1e-3, backbone lr x0.1, no weight
# decay, constant lr, 200 epochs.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=200, val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=1e-3, weight_decay=0.0),
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1))))
param_scheduler = []  # constant lr, as CoRe
# lr above is for a total batch of 4 videos (1 GPU x 4)
auto_scale_lr = dict(enable=False, base_batch_size=4)
