"""SubsetPoseDataset: mmaction2's PoseDataset restricted to a written-down
labelled subset (semi-supervised protocols, see :mod:`.label_subset`)."""
from typing import Callable, Dict, List, Optional, Union

from mmaction.datasets import PoseDataset

from aqa_mm.registry import DATASETS
from .label_subset import checked_subset


@DATASETS.register_module()
class SubsetPoseDataset(PoseDataset):
    """A :class:`~mmaction.datasets.PoseDataset` split, keeping only the
    samples of one subset of a subsets file.

    Args:
        ann_file (str): mmaction2 skeleton pkl.
        pipeline (list[dict | callable]): Data transforms.
        subset_file (str): JSON written by
            :func:`aqa_mm.datasets.label_subset.write_subsets`.
        subset (str): Its key, e.g. ``'10%/seed0'``.
        split (str, optional): The pkl split the subset was drawn from.
        **kwargs: Passed to ``PoseDataset``.

    Raises:
        FileNotFoundError: No ``subset_file``.
        DataError: No ``subset`` in the file, or the subset names samples
            the split does not have (names the file, the subset and the
            first such samples); see
            :func:`~aqa_mm.datasets.label_subset.checked_subset`.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 subset_file: str,
                 subset: str,
                 split: Optional[str] = None,
                 **kwargs) -> None:
        self.subset_file = subset_file
        self.subset = subset
        super().__init__(ann_file, pipeline=pipeline, split=split, **kwargs)

    def load_data_list(self) -> List[Dict]:
        """The split's annotations whose ``frame_dir`` is in the subset."""
        data_list = super().load_data_list()
        names = checked_subset(self.subset_file, self.subset,
                               {item['frame_dir'] for item in data_list},
                               f'{self.ann_file} split {self.split!r}')
        return [item for item in data_list if item['frame_dir'] in names]
