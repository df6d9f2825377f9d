# nw_ucla_xview_pretrain.py with one change: each of the two masked views
# gets its own random rotation (±30° about x, y, z), scale (0.8-1.2) and
# shear (off-diagonals ±0.5, AimCLR's amplitude) inside the model before the
# encoder (RandomSkeletonAffine, training only). Why: both views are masked
# copies of the SAME clip, so unmasked frames are identical and InfoNCE fell
# from 2.63 to 0.13 within one epoch; distinct coordinates per view make
# the pretext harder (SimCLR / AimCLR). Other knobs are one-liners too, e.g.
# a softer InfoNCE: model = dict(loss=dict(temperature=0.2))
_base_ = ['../../../configs/sme_gcn/transfer/nw_ucla_xview_pretrain.py']

model = dict(view_aug=dict(type='RandomSkeletonAffine', coord_channels=3))
