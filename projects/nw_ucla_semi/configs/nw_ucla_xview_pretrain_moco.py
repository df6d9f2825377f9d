# nw_ucla_xview_pretrain.py with MoCo v2's negatives instead of the batch's
# (an option beyond the paper): the variance-masked view is the
# query of the trained encoder, the temporally masked view the key of a
# momentum copy, and the negatives are the keys of the last 1,024 sequences
# (MomentumSMEPretrainer), through a Linear-ReLU-Linear projector
# (256 -> 256 -> 128) discarded at finetuning, as SkeletonCLR / AimCLR.
# Sizes are scaled to NW-UCLA's 1,020 training sequences: AimCLR's
# NTU-60 recipe (queue 32,768 of ~37k sequences, m = 0.999 at ~300
# iterations per epoch: a key time constant of ~3 passes) becomes a queue
# of about one pass (the stale key of a query's own sequence is left out of
# its negatives through sample_idx) and m = 0.99 (~100 iterations = 3
# passes of 32). tau = 0.07 as SkeletonCLR / AimCLR.
_base_ = ['../../../configs/sme_gcn/transfer/nw_ucla_xview_pretrain.py']

train_pipeline = [
    *_base_.train_pipeline[:-1],
    dict(type='PackAQAInputs', collect_keys=('keypoint_var', 'keypoint_tem'),
         meta_keys=('frame_dir', 'sample_idx'))
]
train_dataloader = dict(dataset=dict(dataset=dict(pipeline=train_pipeline)))

model = dict(
    type='MomentumSMEPretrainer',
    queue_size=1024,
    momentum=0.99,
    loss=dict(_delete_=True, type='QueueInfoNCELoss', temperature=0.07),
    projector=dict(type='MLPProjector', in_channels=256, hidden_channels=256,
                   out_channels=128, norm=False))
