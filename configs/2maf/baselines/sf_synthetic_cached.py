# Baseline (paper Table 4 "SF", Table 8 setting A "MLP"): simple fusion,
# concat(F^s, F^r) -> one FC.
_base_ = ['../2maf_synthetic_cached.py']
model = dict(head=dict(_delete_=True, type='FusionRegressionHead',
                       channels=dict(skeleton=128, rgb=1024),
                       streams=('skeleton', 'rgb'), loss_weights=(1.0, 1.0),
                       score_mean=37.5, score_std=27.6))
