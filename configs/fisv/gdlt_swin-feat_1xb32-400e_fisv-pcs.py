# GDLT on Fis-V PCS: the TES config with the PCS annotation and GDLT's PCS
# schedule (400 epochs).
_base_ = ['./gdlt_swin-feat_1xb32-320e_fisv-tes.py']

ann_file = 'data/fisv/fisv_pcs.pkl'
max_epochs = 400
model = dict(head=dict(score_max=38.28))  # max PCS of the training split
train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=1e-4,
         by_epoch=True, begin=0, end=max_epochs)
]
