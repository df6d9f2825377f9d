# configs/sme_gcn/pretrain_synthetic.py with the two harder-pretext options
# of the NW-UCLA transfer pretraining (view aug + projector), for the AQA
# label regimes of this project:
# - view_aug: each masked view gets its own RandomSkeletonAffine inside the
#   model (training only). The built-in set's views are (x, y, score), x and
#   y centred per frame on joint 8 by the masks (Eq. 1, after PreNormalize2D),
#   so coord_channels=2: an in-plane rotation (±30°), scale (0.8-1.2) and
#   shear (±0.5) of x, y about the centre joint; the score channel and the
#   zeroed (masked) frames are left as they are.
# - projector: MLP 128 -> 128 -> 64 (C^s -> C^s -> C^s / 2, the NW-UCLA
#   head's 256 -> 256 -> 128 at this config's C^s = 128), saved under
#   'projector.' and dropped by finetune_synthetic.py's strict 'backbone.'
#   load.
_base_ = ['../../../configs/sme_gcn/pretrain_synthetic.py']

model = dict(view_aug=dict(type='RandomSkeletonAffine', coord_channels=2),
             projector=dict(type='MLPProjector', in_channels=128,
                            hidden_channels=128, out_channels=64))
