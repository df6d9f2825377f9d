"""PFMHead: the Preference Fusion Module of 2M-AF (paper §3.2, Eq. 5-9)."""
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from aqa_mm.registry import MODELS
from .score_head import ScoreHead

#: Stream order of every (N, K) tensor of the head: column 0 is skeleton,
#: column 1 is RGB (SPEC decision), column 2 the optional concat stream.
STREAMS = ('skeleton', 'rgb', 'concat')


def preference_labels(scores: torch.Tensor,
                      target: torch.Tensor) -> torch.Tensor:
    """Eq. 5: the stream whose score is closest to the target.

    Args:
        scores (Tensor): Per-stream scores, (N, K), column 0 = skeleton.
        target (Tensor): Ground truth, (N,), on the same scale.

    Returns:
        Tensor: Long labels (N,) in [0, K); a tie goes to the lower column,
        i.e. to skeleton (``torch.argmin`` returns the first minimum).
    """
    return (scores - target[:, None]).abs().argmin(dim=1)


@MODELS.register_module()
class PFMHead(ScoreHead):
    """Two regression heads and a selection head over (F^s, F^r).

    * Regression: S^s = FC(F^s), S^r = FC(F^r) (Eq. 6-7 losses, λ1·MSE +
      λ2·MAE each, on standardised scores).
    * Selection: FC(concat(F^s, F^r)) → 2-way softmax F^c; column 0 is
      skeleton, column 1 RGB. Trained with cross-entropy (Eq. 8) against the
      preference label y^c = argmin(|S^s − y|, |S^r − y|) (Eq. 5, ties →
      skeleton). L = L_s + L_r + L_c (Eq. 9).
    * Prediction: the score of the stream at argmax F^c (the paper), or the
      probability-weighted score (``fusion='soft'``).

    Beyond the paper (see docs/advanced/two_streams_pfm.md): the selector's
    labels computed online from training predictions fit the training
    targets far better than test predictions do, so the selector learns
    little that transfers. ``preference='given'`` takes cross-fitted labels
    instead (``gt_preference`` of each sample, from
    ``tools/crossfit_preferences.py`` out-of-fold predictions), and
    :class:`PFMFallbackHook` sets ``fallback_stream`` when, on held-out
    data, always using the better stream beats the selector.

    Args:
        skeleton_channels (int): C of F^s, (N, C^s). Defaults to 256.
        rgb_channels (int): C of F^r, (N, C^r). Defaults to 1024.
        loss_weights (tuple[float, float]): (λ1, λ2) of MSE and MAE for each
            regression head. (1, 0) and (0, 1) are the paper's Table 9 MSE /
            MAE variants. Defaults to (1.0, 1.0).
        selection_loss_weight (float): Weight of L_c. Defaults to 1.
        rgb_proj_channels (int, optional): If set, F^r goes through
            FC(C^r → this) + ReLU before the concat, as in the authors' code
            (64). Defaults to None: the paper's single FC on the concat.
        concat_stream (bool): Add a third regression head on the concat
            feature, selectable like the others: the paper's "PFM+MLP"
            (Table 8, setting D). Defaults to False.
        fusion (str): ``'hard'`` (argmax, the paper) or ``'soft'``.
            Defaults to ``'hard'``.
        preference (str): ``'online'`` (Eq. 5 on the current training
            predictions, the paper) or ``'given'`` (``gt_preference`` of the
            data samples). Defaults to ``'online'``.
        detach_selection (bool): Stop the selection loss's gradient at the
            features, so that only the regression losses shape the
            backbones when they are trained end to end (the selector judges
            the streams; it should not bend them toward being easy to tell
            apart). No effect with frozen backbones. Defaults to True.
        dropout (float): Dropout on the features. Defaults to 0.
        score_mean (float): Targets are standardised as (y − mean) / std for
            the losses; predictions are mapped back. Defaults to 0.
        score_std (float): See ``score_mean``. Defaults to 1.
        init_cfg (dict, optional): Defaults to a normal init (std 0.01) of
            the linear layers.
    """

    def __init__(self,
                 skeleton_channels: int = 256,
                 rgb_channels: int = 1024,
                 loss_weights: Sequence[float] = (1.0, 1.0),
                 selection_loss_weight: float = 1.0,
                 rgb_proj_channels: Optional[int] = None,
                 concat_stream: bool = False,
                 fusion: str = 'hard',
                 preference: str = 'online',
                 detach_selection: bool = True,
                 dropout: float = 0.0,
                 score_mean: float = 0.0,
                 score_std: float = 1.0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(score_mean, score_std, init_cfg)
        if fusion not in ('hard', 'soft'):
            raise ValueError("fusion must be 'hard' or 'soft', got "
                             f'{fusion!r}')
        if preference not in ('online', 'given'):
            raise ValueError("preference must be 'online' or 'given', got "
                             f'{preference!r}')
        self.channels = dict(skeleton=skeleton_channels, rgb=rgb_channels)
        self.loss_weights = tuple(loss_weights)
        self.selection_loss_weight = float(selection_loss_weight)
        self.fusion, self.preference = fusion, preference
        self.detach_selection = detach_selection
        self.streams = STREAMS[:3 if concat_stream else 2]
        self.input_channels = dict(self.channels)  # features it needs
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.fc_skeleton = nn.Linear(skeleton_channels, 1)
        self.fc_rgb = nn.Linear(rgb_channels, 1)
        self.fc_concat = (nn.Linear(skeleton_channels + rgb_channels, 1)
                          if concat_stream else None)
        self.rgb_proj = (nn.Sequential(nn.Linear(rgb_channels,
                                                 rgb_proj_channels),
                                       nn.ReLU(inplace=True))
                         if rgb_proj_channels else None)
        sel_in = skeleton_channels + (rgb_proj_channels or rgb_channels)
        self.fc_select = nn.Linear(sel_in, len(self.streams))
        # -1: use the selector; k >= 0: always stream k (set by
        # PFMFallbackHook, saved with the checkpoint).
        self.register_buffer('fallback_stream', torch.tensor(-1))

    # ------------------------------------------------------------ forward
    def _check(self, feats: Dict[str, torch.Tensor]) -> None:
        for key, c in self.channels.items():
            if key not in feats:
                raise KeyError(f'{type(self).__name__} needs feature '
                               f'{key!r}; got {sorted(feats)}')
            x = feats[key]
            if x.dim() != 2 or x.shape[1] != c:
                raise ValueError(f'feature {key!r} must be (N, {c}), got '
                                 f'{tuple(x.shape)}')

    def forward(self, feats: Dict[str, torch.Tensor]) -> Dict[str,
                                                              torch.Tensor]:
        """Per-stream standardised scores and selection logits.

        Args:
            feats (dict[str, Tensor]): ``skeleton`` F^s (N, C^s) and ``rgb``
                F^r (N, C^r).

        Returns:
            dict[str, Tensor]: ``scores`` (N, K) standardised, one column per
            stream (skeleton, RGB[, concat]); ``logits`` (N, K) of the
            selection head.
        """
        self._check(feats)
        f_s = self.dropout(feats['skeleton'])
        f_r = self.dropout(feats['rgb'])
        scores = [self.fc_skeleton(f_s), self.fc_rgb(f_r)]
        if self.fc_concat is not None:
            scores.append(self.fc_concat(torch.cat([f_s, f_r], dim=1)))
        if self.detach_selection:
            f_s, f_r = f_s.detach(), f_r.detach()
        sel_r = self.rgb_proj(f_r) if self.rgb_proj is not None else f_r
        logits = self.fc_select(torch.cat([f_s, sel_r], dim=1))
        return dict(scores=torch.cat(scores, dim=1), logits=logits)

    def fuse(self, scores: torch.Tensor, logits: torch.Tensor,
             use_fallback: bool = True) -> tuple:
        """The final score from per-stream scores and selection logits.

        Args:
            scores (Tensor): (N, K) per-stream scores (any scale).
            logits (Tensor): (N, K) selection logits.
            use_fallback (bool): Honour ``fallback_stream``. Defaults to
                True.

        Returns:
            tuple[Tensor, Tensor, Tensor]: final scores (N,), the stream
            used per sample (N,) (long; for soft fusion the most probable
            one), and the selector probabilities (N, K).
        """
        prob = logits.softmax(dim=1)
        chosen = prob.argmax(dim=1)
        fallback = int(self.fallback_stream)
        if use_fallback and fallback >= 0:
            chosen = torch.full_like(chosen, fallback)
            return scores[:, fallback], chosen, prob
        if self.fusion == 'soft':
            return (prob * scores).sum(dim=1), chosen, prob
        return scores.gather(1, chosen[:, None]).squeeze(1), chosen, prob

    # --------------------------------------------------------------- loss
    def _given_preferences(self, data_samples: List,
                           device: torch.device) -> torch.Tensor:
        labels = []
        for s in data_samples:
            if 'gt_preference' not in s:
                raise KeyError(
                    f"PFMHead(preference='given'): sample "
                    f"{s.metainfo.get('frame_dir', '?')!r} has no "
                    "'gt_preference'; run tools/crossfit_preferences.py on "
                    'the feature cache first')
            labels.append(int(s.gt_preference))
        labels = torch.tensor(labels, device=device)
        if labels.min() < 0 or labels.max() >= len(self.streams):
            raise ValueError(f'gt_preference must be in [0, '
                             f'{len(self.streams)}), got {labels.tolist()}')
        return labels

    def loss(self, feats: Dict[str, torch.Tensor],
             data_samples: List) -> Dict[str, torch.Tensor]:
        """L_s + L_r (+ L_concat) + L_c, every key starting with ``loss_``.

        Args:
            feats (dict[str, Tensor]): See :meth:`forward`.
            data_samples (list[ActionDataSample]): With ``gt_score`` (and
                ``gt_preference`` for ``preference='given'``).

        Returns:
            dict[str, Tensor]: ``loss_{stream}_mse`` / ``loss_{stream}_mae``
            per stream, ``loss_selection``, and (logged, not optimised)
            ``acc_selection``, the selector's accuracy on the batch.
        """
        out = self(feats)
        scores, logits = out['scores'], out['logits']
        target = self.standardised_targets(data_samples, scores)
        w_mse, w_mae = self.loss_weights
        losses = {}
        for k, name in enumerate(self.streams):
            if w_mse:
                losses[f'loss_{name}_mse'] = w_mse * F.mse_loss(
                    scores[:, k], target)
            if w_mae:
                losses[f'loss_{name}_mae'] = w_mae * F.l1_loss(
                    scores[:, k], target)
        if self.preference == 'given':
            labels = self._given_preferences(data_samples, logits.device)
        else:
            labels = preference_labels(scores.detach(), target)
        losses['loss_selection'] = self.selection_loss_weight * \
            F.cross_entropy(logits, labels)
        losses['acc_selection'] = (logits.argmax(1) == labels).float().mean()
        return losses

    def predict(self, feats: Dict[str, torch.Tensor],
                data_samples: List) -> List:
        """Attach the fused and per-stream scores to each sample.

        Adds ``pred_aqa_score`` (final), ``pred_score_skeleton``,
        ``pred_score_rgb`` (and ``pred_score_concat``), ``pred_stream``
        (0 skeleton, 1 RGB, 2 concat: the stream used),
        ``pred_stream_selector`` and ``pred_score_selector`` (the selector's
        own choice and score, also under a fallback) and ``pred_prob_rgb``.

        Args:
            feats (dict[str, Tensor]): See :meth:`forward`.
            data_samples (list[ActionDataSample]): Samples to fill.

        Returns:
            list[ActionDataSample]: The same samples.
        """
        out = self(feats)
        scores = self.to_score(out['scores'].detach()).float().cpu()
        logits = out['logits'].detach().float().cpu()
        final, chosen, prob = self.fuse(scores, logits)
        own_final, own_choice, _ = self.fuse(scores, logits, False)
        for i, sample in enumerate(data_samples):
            sample.set_field(final[i], 'pred_aqa_score')
            for k, name in enumerate(self.streams):
                sample.set_field(scores[i, k], f'pred_score_{name}')
            sample.set_field(chosen[i], 'pred_stream')
            sample.set_field(own_choice[i], 'pred_stream_selector')
            sample.set_field(own_final[i], 'pred_score_selector')
            sample.set_field(prob[i, 1], 'pred_prob_rgb')
        return data_samples
