# 2M-AF's RGB-stream head on Fis-V PCS: the TES config with the PCS
# annotation and PCS statistics.
_base_ = ['./meanfc_swin-feat_1xb16-100e_fisv-tes.py']

ann_file = 'data/fisv/fisv_pcs.pkl'
model = dict(head=dict(score_mean=27.077, score_std=5.3208))  # PCS, train
train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = val_dataloader
