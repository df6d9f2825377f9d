# USDL (Tang et al., CVPR 2020) on Fis-V TES: the clip features of the whole
# program averaged into one 1024-d vector (as 2M-AF's RGB-stream head), then
# USDL's MLP (1024 -> 256 -> 128 -> 101, MUSDL's code) and a softmax over 101
# score bins spanning [0, 42.81] (42.81: the training split's maximum TES, as
# GDLT's score_max), learned with KL against a Gaussian of sigma = 5 bins
# around the judges' score (MUSDL's code on MTL-AQA: 101 bins, sigma 5). The
# score is the most probable bin (the paper). Adam, lr 5e-4, 100 epochs, the
# recipe of the heads on frozen features (adam_100e.py), at batch 32.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/fisv_features.py',
    '../_base_/schedules/adam_100e.py',
]

max_epochs = 100
model = dict(
    type='SequenceAssessor',
    temporal_pool='mean',
    head=dict(
        type='USDLHead',
        in_channels=1024,
        score_range=(0.0, 42.81),  # TES, training split maximum
        num_bins=101,
        sigma=5.0,
        hidden_channels=(256, 128),
        decode='argmax'))

# the test split is evaluated once, after the last epoch (fisv_features.py)
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
default_hooks = dict(checkpoint=dict(interval=20))
auto_scale_lr = dict(enable=False, base_batch_size=32)
