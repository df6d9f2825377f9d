"""PackAQAInputs: mmaction2's PackActionInputs plus float AQA targets."""
from typing import Dict, Optional, Sequence, Tuple

import torch
from mmaction.datasets.transforms import PackActionInputs

from aqa_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackAQAInputs(PackActionInputs):
    """Pack inputs like :class:`PackActionInputs` and attach AQA targets.

    mmaction2 1.1.0's ``PackActionInputs`` has no ``algorithm_keys`` and only
    knows integer labels, so scores (floats) are attached here as fields of
    the ``ActionDataSample``: ``gt_score`` (float tensor, shape ``()``) from
    ``results['score']`` and ``class_id`` (long tensor, shape ``()``).

    Required Keys: ``score``, plus the input key (``keypoint`` / ``imgs``
    or ``collect_keys``). Optional: ``class_id``, ``difficulty``,
    ``gt_preference`` (a cross-fitted PFM preference label, long tensor),
    ``scores_items`` (the K judges' or items' scores, e.g. JIGSAWS's six
    GRS items; packed as ``gt_item_scores``, float tensor (K,), for
    :class:`~aqa_mm.models.heads.MUSDLHead`).
    Added Keys: ``inputs``, ``data_samples``.

    Args:
        collect_keys (tuple[str], optional): Keys packed as a dict of
            inputs (for two-stream models). Defaults to None.
        meta_keys (Sequence[str]): Keys copied into the sample's metainfo.
            Defaults to ``('frame_dir', 'class_name', 'img_shape')``.
    """

    def __init__(self,
                 collect_keys: Optional[Tuple[str, ...]] = None,
                 meta_keys: Sequence[str] = ('frame_dir', 'class_name',
                                             'img_shape')) -> None:
        super().__init__(collect_keys=collect_keys, meta_keys=meta_keys)

    def transform(self, results: Dict) -> Dict:
        """Pack ``results``; see the class docstring for the keys."""
        packed = super().transform(results)
        sample = packed['data_samples']
        if 'score' in results:
            sample.set_field(torch.tensor(float(results['score'])), 'gt_score')
        if results.get('class_id') is not None:
            sample.set_field(torch.tensor(int(results['class_id'])),
                             'class_id')
        if results.get('gt_preference') is not None:
            sample.set_field(torch.tensor(int(results['gt_preference'])),
                             'gt_preference')
        if results.get('difficulty') is not None:
            sample.set_field(torch.tensor(float(results['difficulty'])),
                             'difficulty')
        if results.get('scores_items') is not None:
            sample.set_field(torch.as_tensor(results['scores_items'],
                                             dtype=torch.float32).reshape(-1),
                             'gt_item_scores')
        return packed
