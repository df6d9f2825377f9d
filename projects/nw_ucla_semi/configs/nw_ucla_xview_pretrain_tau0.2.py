# nw_ucla_xview_pretrain.py with one change: a softer InfoNCE, τ = 0.2
# instead of the authors' 0.1. Why: with the paper's two views InfoNCE falls
# from 3.5 to 0.1 within 5 passes, so at τ = 0.1 almost every pair is already
# separated and the gradient comes from a few negatives; a larger τ spreads
# it over all 62 of the batch (SimCLR §5.1: small batches prefer larger τ).
_base_ = ['../../../configs/sme_gcn/transfer/nw_ucla_xview_pretrain.py']

model = dict(loss=dict(temperature=0.2))
