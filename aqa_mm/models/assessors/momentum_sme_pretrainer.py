"""MomentumSMEPretrainer: SME pretraining with MoCo's momentum encoder and
queue of negatives (an option beyond the paper)."""
import copy
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.dist import all_gather, get_world_size

from aqa_mm.models.utils.feature_queue import FeatureQueue
from aqa_mm.registry import MODELS
from .sme_pretrainer import SMEPretrainer


@MODELS.register_module()
class MomentumSMEPretrainer(SMEPretrainer):
    """:class:`SMEPretrainer` with MoCo's key encoder and queue (MoCo v2 when
    a projector is set).

    The paper's InfoNCE takes its negatives from the batch: 2N − 2 of them
    (62 at batch 32). The skeleton self-supervision papers it is compared
    with (SkeletonCLR, CrosSCLR, AimCLR) use MoCo instead (He et al., CVPR
    2020): view 1 goes through the trained encoder (the query), view 2
    through a momentum copy of it (the key, no gradient), and the negatives
    are the keys of the last ``queue_size`` samples.

    Each training step: (1) the key encoder (and key projector) move
    towards the trained ones, θ_k ← m·θ_k + (1 − m)·θ_q; (2) the loss (a
    :class:`~aqa_mm.models.losses.QueueInfoNCELoss`) compares each query
    with its key and the queue, leaving out the queued keys of its own
    sample when the samples carry ``id_key`` (mmengine's ``sample_idx``,
    kept by ``PackAQAInputs(meta_keys=(..., 'sample_idx'))``); (3) the
    batch's keys replace the oldest entries (gathered from every rank
    under distributed training, as MoCo does). No shuffle-BN: on one device
    the key batch's BN statistics are its own. ``'predict'`` and
    ``'tensor'`` use the trained encoder, which is what finetuning loads
    (``backbone.``); the ``key_*`` copies and the queue stay in the
    pretraining checkpoint.

    Args:
        backbone (dict): As :class:`SMEPretrainer`.
        loss (dict, optional): Defaults to
            ``dict(type='QueueInfoNCELoss')`` (τ = 0.07).
        queue_size (int): K. Defaults to 1024.
        momentum (float): m in [0, 1). Defaults to 0.99.
        symmetric (bool): Also use view 2 as query and view 1 as key, and
            average the two losses (both key sets are queued). Defaults to
            False (MoCo's one direction).
        feature_channels (int, optional): Size of the features the loss
            sees; inferred from the projector's ``out_channels`` or the
            encoder's ``fc``. Defaults to None.
        id_key (str): Metainfo key of the sample index. Defaults to
            ``'sample_idx'``.
        **kwargs: ``view_keys``, ``view_aug``, ``projector``,
            ``data_preprocessor``, ``init_cfg`` of :class:`SMEPretrainer`.
    """

    def __init__(self,
                 backbone: dict,
                 loss: Optional[dict] = None,
                 queue_size: int = 1024,
                 momentum: float = 0.99,
                 symmetric: bool = False,
                 feature_channels: Optional[int] = None,
                 id_key: str = 'sample_idx',
                 **kwargs) -> None:
        super().__init__(backbone,
                         loss=loss or dict(type='QueueInfoNCELoss'),
                         **kwargs)
        if not 0 <= momentum < 1:
            raise ValueError(f'momentum must be in [0, 1), got {momentum}')
        self.momentum, self.symmetric, self.id_key = (momentum, symmetric,
                                                      id_key)
        self.key_encoder = copy.deepcopy(self.backbone).requires_grad_(False)
        self.key_projector = (copy.deepcopy(self.projector).requires_grad_(
            False) if self.projector is not None else None)
        channels = feature_channels or self._infer_channels()
        self.queue = FeatureQueue(queue_size, channels)

    def _infer_channels(self) -> int:
        """The feature size the loss sees, from the projector or encoder."""
        if self.projector is not None:
            channels = getattr(self.projector, 'out_channels', None)
        else:
            fc = getattr(self.backbone, 'fc', None)
            channels = getattr(fc, 'out_features', None)
        if not isinstance(channels, int):
            raise ValueError('MomentumSMEPretrainer cannot infer the feature '
                             'size; set feature_channels')
        return channels

    def _pairs(self) -> List[tuple]:
        """(trained, key) module pairs."""
        pairs = [(self.backbone, self.key_encoder)]
        if self.projector is not None:
            pairs.append((self.projector, self.key_projector))
        return pairs

    def init_weights(self) -> None:
        """Initialise the trained modules, then start the keys equal."""
        super().init_weights()
        with torch.no_grad():
            for online, key in self._pairs():
                key.load_state_dict(online.state_dict())

    @torch.no_grad()
    def momentum_update(self) -> None:
        """θ_k ← m·θ_k + (1 − m)·θ_q for every key parameter."""
        for online, key in self._pairs():
            for p_k, p_q in zip(key.parameters(), online.parameters()):
                p_k.mul_(self.momentum).add_(p_q.detach(),
                                             alpha=1 - self.momentum)

    def _project(self, feats: torch.Tensor, key: bool = False) -> torch.Tensor:
        projector = self.key_projector if key else self.projector
        return feats if projector is None else projector(feats)

    def _sample_ids(self, data_samples: Optional[Sequence],
                    device: torch.device) -> Optional[torch.Tensor]:
        """Dataset indices of the batch, or None if a sample lacks one."""
        ids = [s.metainfo.get(self.id_key) for s in data_samples or []]
        if not ids or any(i is None for i in ids):
            return None
        return torch.as_tensor([int(i) for i in ids], device=device)

    def _enqueue(self, keys: torch.Tensor,
                 ids: Optional[torch.Tensor]) -> None:
        """Push keys (and ids) from every rank."""
        if ids is None:
            ids = torch.full(keys.shape[:1], -1, dtype=torch.long,
                             device=keys.device)
        if get_world_size() > 1:
            keys, ids = torch.cat(all_gather(keys)), torch.cat(all_gather(ids))
        self.queue.push(keys, ids)

    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: Optional[List] = None) -> Dict[str, torch.Tensor]:
        """The MoCo loss of one batch, then the queue update.

        Args:
            inputs (dict[str, Tensor]): The two views, each (N, M, T, V, C).
            data_samples (list, optional): Their samples (for the ids).

        Returns:
            dict: ``{'loss_infonce': Tensor}``.
        """
        view_a, view_b = self.views(inputs, augment=True)
        queries = (view_a, view_b) if self.symmetric else (view_a, )
        keys_in = (view_b, view_a) if self.symmetric else (view_b, )
        q = self._project(self.backbone(torch.cat(queries)))   # [sN, C]
        self.momentum_update()
        with torch.no_grad():
            k = self._project(self.key_encoder(torch.cat(keys_in)), key=True)
        ids = self._sample_ids(data_samples, q.device)
        exclude = self.queue.same_sample(ids)
        losses = [self.loss_module(q_part, k_part, self.queue.feats, exclude)
                  for q_part, k_part in zip(q.chunk(len(queries)),
                                            k.chunk(len(queries)))]
        for k_part in k.chunk(len(queries)):   # one push per key set
            self._enqueue(k_part, ids)
        return dict(loss_infonce=sum(losses) / len(losses))

    def forward(self,
                inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List] = None,
                mode: str = 'tensor'):
        """mmengine's three-mode forward; see :class:`SMEPretrainer`.

        ``'loss'`` runs :meth:`loss`; ``'predict'`` and ``'tensor'`` are the
        parent's (trained encoder, no projector).
        """
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        return super().forward(inputs, data_samples, mode)
