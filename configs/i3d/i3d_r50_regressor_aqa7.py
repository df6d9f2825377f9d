# Alternative RGB stream on AQA-7: mmaction2's I3D, an inflated ResNet-50
# (ResNet3d, ~28M parameters, 2048-d) with its Kinetics-400 weights, in place
# of the paper's Inception-v1 I3D (i3d_regressor_aqa7.py). Same clips, head
# and recipe (CoRe's); the input is normalised the way the mmaction2
# checkpoint was trained.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/aqa7_rgb.py',
    '../_base_/schedules/adam_200e.py',
]

model = dict(
    type='RGBAssessor',
    backbone=dict(
        # mmaction2 configs/_base_/models/i3d_r50.py, without ImageNet
        # inflation: the weights come from the Kinetics checkpoint below
        type='ResNet3d',
        pretrained2d=False,
        pretrained=None,
        depth=50,
        conv1_kernel=(5, 7, 7),
        conv1_stride_t=2,
        pool1_stride_t=2,
        conv_cfg=dict(type='Conv3d'),
        norm_eval=False,
        inflate=((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0)),
        zero_init_residual=False),
    head=dict(
        type='AQARegressionHead',
        in_channels=2048,  # the head average-pools the (2048, T', H', W') map
        loss_weights=(1.0, 1.0),
        dropout=0.5,
        score_mean=78.88,  # diving; see i3d_regressor_aqa7.py for the others
        score_std=13.95),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], format_shape='NCTHW'))

# ResNet3d ignores init_cfg (it initialises itself in init_weights), so the
# Kinetics Recognizer3D checkpoint is loaded for the whole model by the runner
# (non-strict): its backbone.* keys fill RGBAssessor's backbone; cls_head.* is
# skipped and head.* stays newly initialised, both reported in the log.
load_from = ('https://download.openmmlab.com/mmaction/v1.0/recognition/i3d/'
             'i3d_imagenet-pretrained-r50_8xb8-32x2x1-100e_kinetics400-rgb/'
             'i3d_imagenet-pretrained-r50_8xb8-32x2x1-100e_kinetics400-rgb_'
             '20220812-e213c223.pth')
