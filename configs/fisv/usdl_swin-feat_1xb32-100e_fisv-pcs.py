# USDL on Fis-V PCS: the TES config with the PCS annotation and bins up to
# the training split's maximum PCS.
_base_ = ['./usdl_swin-feat_1xb32-100e_fisv-tes.py']

ann_file = 'data/fisv/fisv_pcs.pkl'
model = dict(head=dict(score_range=(0.0, 38.28)))  # PCS, training maximum
train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = val_dataloader
