# Loss variant (paper Table 9, setting A): MSE only in L_s and L_r.
_base_ = ['../2maf_synthetic_cached.py']
model = dict(head=dict(loss_weights=(1.0, 0.0)))
