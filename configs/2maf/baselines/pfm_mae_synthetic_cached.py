# Loss variant (paper Table 9, setting B): MAE only in L_s and L_r.
_base_ = ['../2maf_synthetic_cached.py']
model = dict(head=dict(loss_weights=(0.0, 1.0)))
