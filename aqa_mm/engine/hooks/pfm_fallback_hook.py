"""PFMFallbackHook: use the better stream when the selector does not help."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.dist import broadcast_object_list, collect_results, get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from aqa_mm.evaluation.functional import spearman
from aqa_mm.registry import HOOKS


def fallback_decision(records: Sequence[Dict[str, float]],
                      margin: float = 0.0) -> Dict:
    """Compare the selector with always using one stream.

    Args:
        records (Sequence[dict]): One per held-out sample, with ``gt``,
            ``skeleton``, ``rgb`` (stream scores), ``selector`` (the score
            the selector alone gives) and ``choice`` (its stream, 0/1).
        margin (float): The selector is kept if its Spearman ρ is at least
            the better stream's minus ``margin``. Defaults to 0.

    Returns:
        dict: ``fallback`` (-1 keep the selector, 0 skeleton, 1 RGB),
        ``rho_selector``, ``rho_skeleton``, ``rho_rgb``,
        ``selector_accuracy`` (against the preference labels),
        ``constant_accuracy`` (always choosing the better stream).
    """
    gt = np.array([r['gt'] for r in records])
    streams = np.array([[r['skeleton'], r['rgb']] for r in records])
    selector = np.array([r['selector'] for r in records])
    choice = np.array([r['choice'] for r in records])
    rho = [spearman(streams[:, k], gt) for k in range(2)]
    rho_sel = spearman(selector, gt)
    best = int(np.argmax(rho))
    labels = np.abs(streams - gt[:, None]).argmin(1)     # ties -> skeleton
    return dict(fallback=best if rho_sel < rho[best] - margin else -1,
                rho_selector=rho_sel, rho_skeleton=rho[0], rho_rgb=rho[1],
                selector_accuracy=float((choice == labels).mean()),
                constant_accuracy=float((labels == best).mean()))


@HOOKS.register_module()
class PFMFallbackHook(Hook):
    """After each validation, switch PFM to one stream if that is better.

    "Safe fallback" (beyond the paper): if, on the validation data, the
    fused score of the selector ranks the samples worse (Spearman ρ) than
    always using the better single stream, ``head.fallback_stream`` is set
    to that stream, and the log says so; a later validation where the
    selector wins switches it back. The choice is saved with the checkpoint.

    Use it only with a validation split carved out of the training data
    (``SubsetDataset(holdout=...)``): deciding on the test split would be
    selecting on the test set.

    Args:
        margin (float): See :func:`fallback_decision`. Defaults to 0.
    """

    priority = 'LOW'

    def __init__(self, margin: float = 0.0) -> None:
        self.margin = margin
        self._records: List[Dict[str, float]] = []

    def before_val_epoch(self, runner) -> None:
        """Start collecting the epoch's predictions."""
        self._records = []

    def after_val_iter(self, runner, batch_idx: int,
                       data_batch: Optional[dict] = None,
                       outputs: Optional[Sequence] = None) -> None:
        """Keep each sample's stream scores and the selector's choice."""
        for s in outputs or []:
            if 'pred_score_selector' not in s:
                raise KeyError('PFMFallbackHook needs a PFMHead model '
                               "(no 'pred_score_selector' in the outputs)")
            self._records.append(dict(
                gt=float(s.gt_score), skeleton=float(s.pred_score_skeleton),
                rgb=float(s.pred_score_rgb),
                selector=float(s.pred_score_selector),
                choice=int(s.pred_stream_selector)))

    def after_val_epoch(self, runner,
                        metrics: Optional[Dict[str, float]] = None) -> None:
        """Decide on all ranks' predictions, apply it on every rank."""
        size = len(runner.val_dataloader.dataset)
        records = collect_results(self._records, size, device='cpu')
        decision = [fallback_decision(records, self.margin)
                    if get_rank() == 0 else None]
        broadcast_object_list(decision)
        decision = decision[0]
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        model.head.fallback_stream.fill_(decision['fallback'])
        stream = {-1: 'the selector', 0: 'skeleton only', 1: 'RGB only'}
        runner.logger.info(
            'PFMFallbackHook: validation rho selector {rho_selector:.4f}, '
            'skeleton {rho_skeleton:.4f}, RGB {rho_rgb:.4f}; selector '
            'accuracy {selector_accuracy:.3f} vs {constant_accuracy:.3f} for '
            'always the better stream -> '.format(**decision)
            + f"using {stream[decision['fallback']]}")
        if metrics is not None:
            metrics['pfm/fallback_stream'] = decision['fallback']
