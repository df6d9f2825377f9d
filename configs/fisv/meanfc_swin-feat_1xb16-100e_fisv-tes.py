# 2M-AF's RGB-stream head on Fis-V TES: the clip features of the whole
# program averaged into one 1024-d vector, then one FC layer (λ1·MSE + λ2·MAE
# on standardised scores), with the recipe of 2M-AF's heads (the authors'
# PFM recipe: Adam, lr 5e-4, batch 16, 100 epochs).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/fisv_features.py',
    '../_base_/schedules/adam_100e.py',
]

max_epochs = 100
model = dict(
    type='SequenceAssessor',
    temporal_pool='mean',
    head=dict(type='AQARegressionHead', in_channels=1024,
              loss_weights=(1.0, 1.0),
              score_mean=29.6362, score_std=6.4151))  # TES, training split

train_dataloader = dict(batch_size=16)
# the test split is evaluated once, after the last epoch (fisv_features.py)
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
default_hooks = dict(checkpoint=dict(interval=20))
