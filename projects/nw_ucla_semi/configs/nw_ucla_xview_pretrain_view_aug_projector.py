# nw_ucla_xview_pretrain.py with both options of
# nw_ucla_xview_pretrain_view_aug.py (an independent RandomSkeletonAffine per
# view) and nw_ucla_xview_pretrain_projector.py (MLP head 256 -> 256 -> 128,
# discarded at finetuning), the SimCLR recipe on the paper's masked views.
# A softer InfoNCE is one more line: model = dict(loss=dict(temperature=0.2))
_base_ = ['../../../configs/sme_gcn/transfer/nw_ucla_xview_pretrain.py']

model = dict(view_aug=dict(type='RandomSkeletonAffine', coord_channels=3),
             projector=dict(type='MLPProjector', in_channels=256,
                            hidden_channels=256, out_channels=128))
