# 2M-AF's RGB-stream head on Fis-V TES: the clip features of the whole
# program averaged into one 1024-d vector, then one FC layer (λ1·MSE + λ2·MAE
# on standardised scores), with the recipe this repository uses for 2M-AF's
# heads (the authors' PFM recipe: Adam, lr 5e-4, batch 16, 100 epochs).
_base_ = ['../_base_/default_runtime.py', './_base_/fisv_features.py']

max_epochs = 100
model = dict(
    type='SequenceAssessor',
    temporal_pool='mean',
    head=dict(type='AQARegressionHead', in_channels=1024,
              loss_weights=(1.0, 1.0),
              score_mean=29.6362, score_std=6.4151))  # TES, training split

train_dataloader = dict(batch_size=16)
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = []
default_hooks = dict(checkpoint=dict(interval=20))
auto_scale_lr = dict(enable=False, base_batch_size=16)
