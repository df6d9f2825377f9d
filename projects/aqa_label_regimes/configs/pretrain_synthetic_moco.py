# configs/sme_gcn/pretrain_synthetic.py with the MoCo-negatives option of the
# NW-UCLA transfer pretraining (the option with the best frozen features
# there), for the AQA label regimes of this project: the variance-masked
# view is the query of the trained encoder, the temporally masked view the
# key of a momentum copy, and the negatives are queued keys of past batches,
# through a Linear-ReLU-Linear projector discarded at finetuning
# (finetune_synthetic.py loads 'backbone.' strictly).
# Sizes scaled as the NW-UCLA config scales AimCLR's to its split: the
# built-in set has 225 training sequences (7 batches of 32 per epoch), so a
# queue of 192 keys (under one pass; a query's own stale key is left out of
# its negatives through sample_idx) and m = 0.95 (a key time constant of
# ~20 iterations, about 3 passes). tau = 0.07 as SkeletonCLR / AimCLR; the
# projector is 128 -> 128 -> 64 at this config's C^s = 128.
_base_ = ['../../../configs/sme_gcn/pretrain_synthetic.py']

train_pipeline = [
    *_base_.train_pipeline[:-1],
    dict(type='PackAQAInputs', collect_keys=('keypoint_var', 'keypoint_tem'),
         meta_keys=('frame_dir', 'sample_idx'))
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

model = dict(
    type='MomentumSMEPretrainer',
    queue_size=192,
    momentum=0.95,
    loss=dict(_delete_=True, type='QueueInfoNCELoss', temperature=0.07),
    projector=dict(type='MLPProjector', in_channels=128, hidden_channels=128,
                   out_channels=64, norm=False))
