"""SMEPretrainer: self-supervised SME-GCN pretraining on two masked views."""
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.model import BaseModel

from aqa_mm.registry import MODELS


@MODELS.register_module()
class SMEPretrainer(BaseModel):
    """Siamese InfoNCE pretraining of a skeleton encoder (2M-AF §3.1).

    Both masked views (e.g. the variance-masked and the temporally masked
    copy of one sequence, made by ``VarianceMask(out_key=...)`` and
    ``TemporalMask(out_key=...)``) go through the *same* encoder; the loss
    pulls the two features of a sample together and pushes other samples
    away. The encoder's weights are saved under the ``backbone.`` prefix, which
    is what the finetuning configs load.

    Two options make the pretext harder; both are off by default (the
    paper's setup):

    - ``view_aug``: in ``'loss'`` mode each view gets its own random
      spatial augmentation before the encoder (e.g.
      ``dict(type='RandomSkeletonAffine')``), so the two views no longer
      share their coordinates, as in SimCLR / AimCLR.
    - ``projector``: a head between the encoder and the loss in ``'loss'``
      mode (e.g. ``dict(type='MLPProjector', in_channels=256,
      hidden_channels=256, out_channels=128)``), saved under
      ``projector.``, which the finetuning configs' ``prefix='backbone.'``
      leaves out (SimCLR / MoCo v2). ``'predict'`` and ``'tensor'`` give
      the encoder feature, the representation that is transferred.

    Args:
        backbone (dict): Encoder config returning (N, C^s) features, e.g.
            ``dict(type='SMEGCN', ...)``.
        loss (dict, optional): Contrastive loss config. Defaults to
            ``dict(type='InfoNCELoss')`` (Eq. 4, τ = 0.1).
        view_keys (Sequence[str]): The two input keys, in the order (f̂, f̃)
            of Eq. 4. Defaults to ``('keypoint_var', 'keypoint_tem')``.
        view_aug (dict, optional): Config of a module mapping
            (N, M, T, V, C) to the same shape, drawn independently for each
            view in ``'loss'`` mode. Defaults to None (no augmentation).
        projector (dict, optional): Config of a module mapping (2N, C^s)
            features to (2N, C^p) before the loss. Defaults to None (the
            loss sees the encoder features).
        data_preprocessor (dict, optional): Defaults to
            ``dict(type='MultiInputDataPreprocessor')``.
        init_cfg (dict, optional): Weight init. Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 loss: Optional[dict] = None,
                 view_keys: Sequence[str] = ('keypoint_var', 'keypoint_tem'),
                 view_aug: Optional[dict] = None,
                 projector: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor
            or dict(type='MultiInputDataPreprocessor'),
            init_cfg=init_cfg)
        if len(view_keys) != 2:
            raise ValueError(f'view_keys must name two views, got {view_keys}')
        self.backbone = MODELS.build(backbone)
        self.loss_module = MODELS.build(loss or dict(type='InfoNCELoss'))
        self.view_keys = tuple(view_keys)
        self.view_aug = MODELS.build(view_aug) if view_aug else None
        self.projector = MODELS.build(projector) if projector else None

    def views(self, inputs: Dict[str, torch.Tensor],
              augment: bool = False) -> tuple:
        """The two views of ``inputs``, checked (and augmented).

        Args:
            inputs (dict[str, Tensor]): Each view (N, M, T, V, C).
            augment (bool): Apply ``view_aug`` (if set) to each view with
                its own draw. Defaults to False.

        Returns:
            tuple[Tensor, Tensor]: View 1 and view 2, each (N, M, T, V, C).
        """
        missing = [k for k in self.view_keys if k not in inputs]
        if missing:
            raise KeyError(f'SMEPretrainer inputs lack {missing}; got '
                           f'{sorted(inputs)} (check PackAQAInputs '
                           'collect_keys)')
        view_a, view_b = (inputs[k] for k in self.view_keys)
        if view_a.shape != view_b.shape:
            raise ValueError(f'the two views differ in shape: '
                             f'{tuple(view_a.shape)} vs {tuple(view_b.shape)}')
        if augment and self.view_aug is not None:
            view_a, view_b = self.view_aug(view_a), self.view_aug(view_b)
        return view_a, view_b

    def extract_feat(self, inputs: Dict[str, torch.Tensor],
                     augment: bool = False) -> tuple:
        """Encode both views in one pass through the shared encoder.

        Args:
            inputs (dict[str, Tensor]): Each view (N, M, T, V, C).
            augment (bool): See :meth:`views`. Defaults to False.

        Returns:
            tuple[Tensor, Tensor]: Features (N, C^s) of view 1 and view 2.
        """
        view_a, view_b = self.views(inputs, augment)
        feats = self.backbone(torch.cat([view_a, view_b]))    # [2N, C^s]
        return feats.chunk(2)

    def forward(self,
                inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List] = None,
                mode: str = 'tensor') -> Union[Dict, List, tuple]:
        """mmengine's three-mode forward.

        Args:
            inputs (dict[str, Tensor]): The two views, each (N, M, T, V, C).
            data_samples (list, optional): Carried through in predict mode.
            mode (str): ``'loss'`` → ``{'loss_infonce'}`` (with
                ``view_aug`` and ``projector`` if set); ``'predict'`` →
                samples with ``ssl_feature`` (view-1 encoder feature,
                (C^s,)); ``'tensor'`` → the two encoder feature tensors,
                each (N, C^s). Neither of the last two augments or projects.

        Returns:
            dict | list | tuple: See ``mode``.
        """
        if mode == 'loss':
            feat_a, feat_b = self.extract_feat(inputs, augment=True)
            if self.projector is not None:
                # one pass over both views: BN statistics over all 2N
                feats = self.projector(torch.cat([feat_a, feat_b]))
                feat_a, feat_b = feats.chunk(2)               # [N, C^p] each
            return dict(loss_infonce=self.loss_module(feat_a, feat_b))
        feat_a, feat_b = self.extract_feat(inputs)
        if mode == 'predict':
            for sample, feat in zip(data_samples, feat_a.detach().cpu()):
                sample.set_field(feat, 'ssl_feature')
            return data_samples
        if mode == 'tensor':
            return feat_a, feat_b
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got "
                         f'{mode!r}')
