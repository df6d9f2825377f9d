"""DumpAQAResults: per-sample predictions next to the ground truth."""
from typing import Any, Dict, List, Sequence

from mmengine.evaluator import BaseMetric

from aqa_mm.registry import METRICS
from aqa_mm.utils.io import atomic_pickle_dump


@METRICS.register_module()
class DumpAQAResults(BaseMetric):
    """Write one dict per test sample to a pickle (atomically).

    Each record holds ``frame_dir``, ``class_id``, ``gt_score`` (or, for
    classification models, ``gt_label(s)``, for late score fusion) and every
    ``pred_*`` field of the data sample (``pred_aqa_score``, and for two-
    stream models the per-stream scores and the chosen stream), as Python
    scalars. ``tools/test.py --dump`` adds this metric; tools/analysis reads
    the file. Predictions are dumped as the model outputs them: a model
    trained with ``NormalizeScore`` dumps normalised predictions (map them
    back with :func:`aqa_mm.datasets.score_normalization.denormalize_scores`).

    Args:
        out_file_path (str): Destination ``.pkl``.
        collect_device (str): Defaults to ``'cpu'``.
    """

    def __init__(self, out_file_path: str,
                 collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device)
        if not out_file_path.endswith(('.pkl', '.pickle')):
            raise ValueError(f'out_file_path must end with .pkl, got '
                             f'{out_file_path!r}')
        self.out_file_path = out_file_path

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Keep the scalar fields of each sample.

        Args:
            data_batch (Any): Unused.
            data_samples (Sequence[dict]): Outputs of ``model.test_step``.
        """
        for sample in data_samples:
            record = dict(frame_dir=sample.get('frame_dir'),
                          class_name=sample.get('class_name'))
            for key, value in sample.items():
                if key in ('gt_score', 'class_id', 'difficulty', 'gt_label',
                           'gt_labels') or key.startswith('pred_'):
                    if isinstance(value, dict) and 'item' in value:
                        value = value['item']  # mmaction2's LabelData
                    record[key] = value.item() if hasattr(value, 'item') \
                        and getattr(value, 'numel', lambda: 1)() == 1 \
                        else value
            self.results.append(record)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Dump all gathered records; reports no metric."""
        atomic_pickle_dump(results, self.out_file_path)
        print(f'[DumpAQAResults] wrote {len(results)} predictions to '
              f'{self.out_file_path}')
        return {}
