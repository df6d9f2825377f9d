# 2M-AF with cross-fitted preference labels (beyond the paper): the selector
# learns from out-of-fold stream predictions instead of training-set ones.
# Make the labels first (from the training split's cached features):
#   python tools/crossfit_preferences.py data/synthetic/synthetic_aqa.pkl \
#       --feature-dir work_dirs/quickstart/2maf/features --folds 5
_base_ = ['./2maf_synthetic_cached.py']
model = dict(head=dict(preference='given'))
train_pipeline = [
    dict(type='LoadAQAFeatures', streams=('skeleton', 'rgb'),
         preference_file='work_dirs/quickstart/2maf/features/'
         'preferences_k5_s0.pkl'),
    dict(type='PackAQAInputs', collect_keys=('feat_skeleton', 'feat_rgb'))
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
