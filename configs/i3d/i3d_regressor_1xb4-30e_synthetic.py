# RGB stream alone on the built-in SYNTHETIC set, the small variant of
# i3d_regressor_aqa7.py: the Inception-v1 I3D of CoRe / 2M-AF from DeepMind's
# Kinetics-400 weights, finetuned, and a linear score head on the
# clip-averaged 1024-d feature F^r. Clips are small for CPU speed (2 x 16
# frames, 112 px crops; see configs/_base_/datasets/synthetic_rgb.py) and
# the schedule is 30 epochs.
# From scratch instead: --cfg-options model.backbone.init_cfg=None
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/i3d_regressor.py',
    '../_base_/datasets/synthetic_rgb.py',
    '../_base_/schedules/adamw_cosine_30e.py',
]

# standardised targets; approximate statistics of the synthetic train split
# (all classes pooled)
model = dict(head=dict(score_mean=40.0, score_std=25.0))

# lr is for a total batch of 4 videos (1 GPU x 4)
auto_scale_lr = dict(base_batch_size=4)
