"""TwoStreamAssessor: 2M-AF, I3D + SME-GCN + a fusion head (paper Fig. 1)."""
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.logging import MMLogger

from aqa_mm.registry import MODELS
from .base_assessor import BaseAssessor

#: Input key of each stream: raw inputs, and cached features.
RAW_KEYS = dict(rgb='imgs', skeleton='keypoint')
FEAT_KEYS = dict(rgb='feat_rgb', skeleton='feat_skeleton')


def pool_feature(x: torch.Tensor, num_clips: int,
                 stream: str = 'rgb') -> torch.Tensor:
    """Average a backbone output to (N, C), over space-time and clips.

    Args:
        x (Tensor): (N·clips, C) (I3D, SMEGCN), (N·clips, C, T, H, W)
            (RGB maps, e.g. ResNet3d) or (N·clips, M, C, T, V) (skeleton
            maps of mmaction2's GCNs).
        num_clips (int): Clips per sample.
        stream (str): ``'rgb'`` or ``'skeleton'``: the layout of 5-D maps.
            Defaults to ``'rgb'``.

    Returns:
        Tensor: (N, C).
    """
    if x.dim() == 5 and stream == 'skeleton':          # (B, M, C, T, V)
        x = x.mean(dim=(1, 3, 4))
    elif x.dim() > 2:
        x = x.flatten(2).mean(dim=2)
    return x.view(-1, num_clips, x.shape[-1]).mean(dim=1)


@MODELS.register_module()
class TwoStreamAssessor(BaseAssessor):
    """The Two-Modality Assessment Framework: RGB and skeleton streams fused.

    Takes ``inputs`` as a dict (``PackAQAInputs(collect_keys=...)`` +
    ``MultiInputDataPreprocessor``), in one of two forms, per stream:

    * raw: ``imgs`` (N, clips, C, T, H, W) through ``rgb_backbone`` and
      ``keypoint`` (N, clips, M, T, V, C) through ``skeleton_backbone``;
      clip features are averaged into F^r (N, C^r) and F^s (N, C^s);
    * cached: ``feat_rgb`` (N, C^r) / ``feat_skeleton`` (N, C^s), written by
      ``tools/cache_features.py`` from the same (frozen) backbones; the
      backbones are then not run, and may be omitted (``None``).

    The head gets ``dict(skeleton=F^s, rgb=F^r)``: :class:`PFMHead` (2M-AF),
    or :class:`FusionRegressionHead` (simple fusion, single-stream
    baselines). Checkpoints are the same in both forms (backbone keys
    ``rgb_backbone.*`` / ``skeleton_backbone.*``, head keys ``head.*``).

    Args:
        head (dict): Fusion head config.
        rgb_backbone (dict, optional): e.g. ``dict(type='I3D',
            num_classes=None, init_cfg=dict(type='StrictPretrained',
            checkpoint=RGB_STREAM_CKPT, prefix='backbone.'))``.
        skeleton_backbone (dict, optional): e.g. ``dict(type='SMEGCN', ...,
            init_cfg=...)`` with a finetuned SME-GCN.
        freeze_backbones (bool): Freeze both backbones (no gradients, BN in
            eval mode) and train only the head, as the authors' code does.
            The default: each stream is trained on its own first (SME-GCN
            pretrained and finetuned, I3D finetuned), PFM then learns which
            one to trust; it is also what makes cached features exact.
            ``False`` trains end to end. Defaults to True.
        feature_norm (bool): Standardise each stream's feature with a
            BatchNorm1d without affine parameters before the head (running
            statistics at test time). Not in the paper, whose Kinetics I3D
            features are small post-ReLU averages; use it when the streams'
            features have very different scales (an untrained I3D's are in
            the tens to hundreds and make the selector's logits explode;
            on the synthetic set the finetuned SME-GCN's spread five times
            more than the Kinetics I3D's). Cached features are stored raw.
            Defaults to False.
        data_preprocessor (dict, optional): Defaults to a
            ``MultiInputDataPreprocessor`` mapping ``imgs`` uint8 to
            [-1, 1] (what the Kinetics I3D weights expect) and stacking the
            other keys.
        init_cfg (dict, optional): Weight init. Defaults to None.
    """

    def __init__(self,
                 head: dict,
                 rgb_backbone: Optional[dict] = None,
                 skeleton_backbone: Optional[dict] = None,
                 freeze_backbones: bool = True,
                 feature_norm: bool = False,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor or dict(
                type='MultiInputDataPreprocessor',
                preprocessors=dict(imgs=dict(
                    type='ActionDataPreprocessor', mean=[127.5] * 3,
                    std=[127.5] * 3, format_shape='NCTHW'))),
            init_cfg=init_cfg)
        self.rgb_backbone = MODELS.build(rgb_backbone) \
            if rgb_backbone else None
        self.skeleton_backbone = MODELS.build(skeleton_backbone) \
            if skeleton_backbone else None
        self.head = MODELS.build(head)
        self.feature_norm = nn.ModuleDict({
            s: nn.BatchNorm1d(c, affine=False)
            for s, c in self.head.input_channels.items()}) \
            if feature_norm else None
        self.freeze_backbones = freeze_backbones
        if freeze_backbones:
            for backbone in self._backbones().values():
                backbone.requires_grad_(False)

    def _backbones(self) -> Dict[str, nn.Module]:
        return {name: m for name, m in (('rgb', self.rgb_backbone),
                                        ('skeleton', self.skeleton_backbone))
                if m is not None}

    def train(self, mode: bool = True) -> 'TwoStreamAssessor':
        """Set train mode, keeping frozen backbones in eval mode (BN)."""
        super().train(mode)
        if self.freeze_backbones:
            for backbone in self._backbones().values():
                backbone.eval()
        return self

    def init_weights(self) -> None:
        """Initialise, then log where each backbone's weights came from."""
        super().init_weights()
        for name, backbone in self._backbones().items():
            cfg = getattr(backbone, 'init_cfg', None) or {}
            source = cfg.get('checkpoint') if isinstance(cfg, dict) else None
            MMLogger.get_current_instance().info(
                f'2M-AF {name} backbone: '
                f"{source or 'random init (no checkpoint in init_cfg)'}"
                f"{', frozen' if self.freeze_backbones else ''}")

    # ------------------------------------------------------------ features
    def _stream_feature(self, stream: str,
                        inputs: Dict[str, torch.Tensor]) -> torch.Tensor:
        if FEAT_KEYS[stream] in inputs:
            feat = inputs[FEAT_KEYS[stream]]
            if feat.dim() != 2:
                raise ValueError(f'inputs[{FEAT_KEYS[stream]!r}] must be '
                                 f'(N, C), got {tuple(feat.shape)}')
            return feat
        key = RAW_KEYS[stream]
        if key not in inputs:
            raise KeyError(f'TwoStreamAssessor needs inputs {key!r} or '
                           f'{FEAT_KEYS[stream]!r}; got {sorted(inputs)}')
        backbone = self._backbones().get(stream)
        if backbone is None:
            raise ValueError(f'inputs[{key!r}] given but the model has no '
                             f'{stream}_backbone (a cached-feature config?)')
        x = inputs[key]
        if x.dim() != 6:
            raise ValueError(f'inputs[{key!r}] must be (N, clips, ...) with '
                             f'6 dimensions, got {tuple(x.shape)}')
        num_clips = x.shape[1]
        x = x.reshape((-1, ) + x.shape[2:])             # [N*clips, ...]
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and not self.freeze_backbones):
            return pool_feature(backbone(x), num_clips, stream)

    def extract_feat(self, inputs: Dict[str, torch.Tensor],
                     streams: Optional[Sequence[str]] = None
                     ) -> Dict[str, torch.Tensor]:
        """F^s and F^r for a batch.

        Args:
            inputs (dict[str, Tensor]): Raw or cached inputs, see the class
                docstring.
            streams (Sequence[str], optional): Streams to compute. Defaults
                to the head's (``head.input_channels``).

        Returns:
            dict[str, Tensor]: ``skeleton`` (N, C^s) and/or ``rgb``
            (N, C^r).
        """
        if not isinstance(inputs, dict):
            raise TypeError('TwoStreamAssessor expects a dict of inputs '
                            '(PackAQAInputs(collect_keys=...)), got '
                            f'{type(inputs).__name__}')
        if streams is None:
            streams = tuple(self.head.input_channels)
        return {s: self._stream_feature(s, inputs) for s in streams}

    def head_inputs(self, inputs: Dict[str, torch.Tensor]
                    ) -> Tuple[tuple, dict]:
        """The stream features the head takes, after ``feature_norm``.

        Args:
            inputs (dict[str, Tensor]): See the class docstring.

        Returns:
            tuple[tuple, dict]: ``(feats, )`` with feats as in
            :meth:`extract_feat`, and no keyword arguments. In
            ``mode='tensor'`` the head's raw output (standardised scores) is
            returned.
        """
        feats = self.extract_feat(inputs)
        if self.feature_norm is not None:
            feats = {s: self.feature_norm[s](f) for s, f in feats.items()}
        return (feats, ), {}
