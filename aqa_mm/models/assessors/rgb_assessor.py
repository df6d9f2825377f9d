"""RGBAssessor: video clips -> 3D-CNN backbone -> clip average -> score."""
from aqa_mm.registry import MODELS
from .clip_assessor import ClipAssessor


@MODELS.register_module()
class RGBAssessor(ClipAssessor):
    """Score a video from n clips: the RGB stream of 2M-AF (paper §3.2).

    Every clip of every sample goes through the backbone in one batch; the
    head averages the clip features into F^r (N, C) and regresses the score,
    as CoRe does with its ten I3D clips. The AQA counterpart of mmaction2's
    ``Recognizer3D``, with float targets (``gt_score``).

    Pipeline: ``DecordClips`` (or mmaction2's ``DecordInit`` /
    ``SampleFrames`` / ``DecordDecode``), ``Resize``, a crop,
    ``FormatShape('NCTHW')`` and ``PackAQAInputs`` give each sample
    (num_clips, C, T, H, W). Inputs are (N, num_clips, C, T, H, W); the
    backbone output has leading axis N·num_clips ((N·num_clips, 1024) for
    I3D). ``forward`` is mmengine's three-mode forward (see
    :class:`ClipAssessor`).

    Args:
        backbone (dict): e.g. ``dict(type='I3D')`` (1024-d, pooled) or
            mmaction2's ``dict(type='ResNet3d', ...)`` (a 2048-channel map,
            pooled by the head). It takes (N·num_clips, C, T, H, W).
        head (dict): e.g. ``dict(type='AQARegressionHead',
            in_channels=1024)``.
        data_preprocessor (dict, optional): Defaults to mapping uint8 to
            [-1, 1], what the Kinetics I3D weights expect:
            ``dict(type='ActionDataPreprocessor', mean=[127.5] * 3,
            std=[127.5] * 3, format_shape='NCTHW')``.
        init_cfg (dict, optional): Weight init. Defaults to None.
    """

    clip_layout = 'C, T, H, W'
    default_preprocessor = dict(
        type='ActionDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3,
        format_shape='NCTHW')
