"""SpearmanMetric: the AQA evaluation protocol as an mmengine metric."""
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.evaluator import BaseMetric

from aqa_mm.datasets.score_normalization import denormalize_scores
from aqa_mm.registry import METRICS
from .functional import fisher_z_average, mse, relative_l2, spearman


@METRICS.register_module()
class SpearmanMetric(BaseMetric):
    """Spearman's ρ over the whole evaluation set, plus MSE and R-ℓ2.

    ``process`` only stores per-sample CPU floats; ``compute_metrics`` runs
    once on the full set after mmengine has gathered every rank's results, so
    ρ is never averaged over batches and is correct under DDP.

    Reported keys (prefixed by ``prefix``, default ``'aqa'``):
    ``spearman`` (pooled ρ), ``mse``, ``r_l2`` (when the dataset provides
    training score ranges), and when several classes are present
    ``spearman_<class>`` per class and ``spearman_fisher_z`` (the paper's
    AQA-7 "Ave").

    Args:
        pred_key (str): Data-sample field holding the prediction.
            Defaults to ``'pred_aqa_score'``.
        denormalize_target (tuple[float, float], optional): When the model
            was trained on targets normalised by ``NormalizeScore`` with
            this ``target_range``, predictions are first mapped back to
            each class's scale with the dataset's training ranges
            (``dataset_meta['score_ranges']``); ground truth stays raw
            (``NormalizeScore`` belongs to the training pipeline only).
            Defaults to None (predictions used as they are).
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Metric name prefix. Defaults to ``'aqa'``.
    """
    default_prefix = 'aqa'

    def __init__(self,
                 pred_key: str = 'pred_aqa_score',
                 denormalize_target: Optional[Tuple[float, float]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.pred_key = pred_key
        self.denormalize_target = None if denormalize_target is None else (
            float(denormalize_target[0]), float(denormalize_target[1]))

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Store (pred, gt, class_id) of each sample as Python floats.

        Args:
            data_batch (Any): Unused (required by the interface).
            data_samples (Sequence[dict]): Outputs of ``model.test_step``.
        """
        for sample in data_samples:
            if self.pred_key not in sample:
                raise KeyError(f'data sample has no {self.pred_key!r}; '
                               f'fields: {sorted(sample)}')
            class_id = sample.get('class_id')
            self.results.append(dict(
                pred=float(sample[self.pred_key]),
                gt=float(sample['gt_score']),
                class_id=None if class_id is None else int(class_id)))

    @staticmethod
    def calculate(pred: Sequence[float], gt: Sequence[float]) -> float:
        """Spearman's ρ of two score lists (ties by average rank).

        Args:
            pred (Sequence[float]): shape (N,).
            gt (Sequence[float]): shape (N,).

        Returns:
            float: ρ.
        """
        return spearman(pred, gt)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Compute every metric once over the gathered results.

        Args:
            results (list[dict]): All samples' ``dict(pred, gt, class_id)``.

        Returns:
            dict[str, float]: The metrics described in the class docstring.
        """
        pred = np.array([r['pred'] for r in results])
        gt = np.array([r['gt'] for r in results])
        class_ids = [r['class_id'] for r in results]
        meta = self.dataset_meta or {}
        ranges = meta.get('score_ranges')
        if self.denormalize_target is not None:
            if not ranges or any(c is None for c in class_ids):
                raise ValueError('denormalize_target needs class ids and the '
                                 "dataset's metainfo['score_ranges']")
            pred = denormalize_scores(pred, class_ids, ranges,
                                      self.denormalize_target)
        metrics = dict(spearman=spearman(pred, gt), mse=mse(pred, gt))
        if any(c is None for c in class_ids):
            return metrics
        if ranges:
            metrics['r_l2'] = relative_l2(pred, gt, class_ids, ranges)
        classes = sorted(set(class_ids))
        if len(classes) > 1:
            names = meta.get('classes') or []
            rhos = []
            ids = np.array(class_ids)
            for c in classes:
                rho = spearman(pred[ids == c], gt[ids == c])
                name = names[c] if c < len(names) else str(c)
                metrics[f'spearman_{name}'] = rho
                rhos.append(rho)
            metrics['spearman_fisher_z'] = fisher_z_average(rhos)
        return metrics
