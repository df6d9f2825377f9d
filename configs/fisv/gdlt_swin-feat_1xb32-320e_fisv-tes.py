# GDLT (Xu et al., CVPR 2022) on Fis-V TES: the grade-decoupling Likert
# Transformer over the clip features, GDLT's Fis-V recipe (its README and
# paper Sec. 4.2): 124-clip random crops for training, whole programs for
# testing, 4 grade queries, 2 decoder layers, dropout 0.7, triplet λ 0.5,
# margin 1, SGD lr 0.01 (momentum 0.9, weight decay 1e-4), batch 32, cosine
# decay to lr·0.01 over 320 epochs (400 for PCS).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/fisv_features.py',
]

clip_num = 124
max_epochs = 320
model = dict(
    type='SequenceAssessor',
    temporal_pool=None,
    head=dict(
        type='GDLTHead',
        in_channels=1024,
        hidden_dim=256,
        num_heads=1,
        num_encoder_layers=1,
        num_decoder_layers=2,
        num_grades=4,
        dropout=0.7,
        score_max=42.81,   # max TES of the training split (import tool)
        loss_triplet=dict(type='HardTripletLoss', margin=1.0,
                          loss_weight=0.5)))

train_pipeline = [
    dict(type='LoadAQAFeatures', streams=('rgb', )),
    dict(type='RandomFeatureCrop', clip_num=clip_num, keys=('feat_rgb', )),
    dict(type='PackAQAInputs', collect_keys=('feat_rgb', ),
         meta_keys=('frame_dir', 'class_name'))
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9,
                                    weight_decay=1e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=1e-4,
         by_epoch=True, begin=0, end=max_epochs)
]
default_hooks = dict(checkpoint=dict(interval=20))
auto_scale_lr = dict(enable=False, base_batch_size=32)
