# CoRe on Fis-V PCS: the TES config with the PCS annotation, the largest
# difference max - min training PCS (38.28 - 10.48) and the PCS groups
# (quantiles of the pairwise |PCS difference| of the training split, as for
# TES).
_base_ = ['./core_swin-feat_1xb32-200e_fisv-tes.py']

ann_file = 'data/fisv/fisv_pcs.pkl'
model = dict(
    head=dict(
        score_range=27.8,
        group_bounds=(0.0, 1.16, 2.37, 3.67, 5.05, 6.63, 8.6, 11.62, 27.8)))
train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = val_dataloader
