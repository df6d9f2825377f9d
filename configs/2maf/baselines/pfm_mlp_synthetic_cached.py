# Baseline (paper Table 8, setting D "PFM+MLP"): a third regression head on
# concat(F^s, F^r), and the selector picks among three outputs.
_base_ = ['../2maf_synthetic_cached.py']
model = dict(head=dict(concat_stream=True))
