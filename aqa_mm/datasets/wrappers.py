"""SubsetDataset: any dataset restricted to a labelled subset and/or one
part of a holdout fold.

One implementation for every dataset (``AQADataset``, mmaction2's
``PoseDataset``, ...) of the two ways a study narrows a split:

- a **labelled subset** written down in a JSON file by
  ``tools/data/make_label_subsets.py`` (semi-supervised protocols: drawn per
  class, see :mod:`aqa_mm.datasets.label_subset`);
- a **holdout**: deterministic, class-stratified folds of the split
  (:func:`aqa_mm.datasets.folds.assign_folds`); ``part='val'`` keeps one
  fold, ``part='train'`` the others, so a validation part can be carved out
  of training without ever looking at the test split. With a labelled
  subset the folds are drawn inside the subset.

Config::

    train_dataloader = dict(dataset=dict(
        type='SubsetDataset',
        dataset=dict(type='AQADataset', ann_file=..., split='train', ...),
        label_subset_file='data/subsets.json', label_subset='10%/seed0',
        holdout=dict(num_folds=5, fold=0, seed=0, part='train')))
"""
from typing import Any, Dict, Optional, Union

from mmengine.dataset import BaseDataset

from aqa_mm.registry import DATASETS
from aqa_mm.utils.cli import DataError
from .folds import assign_folds
from .label_subset import checked_subset

_HOLDOUT_DEFAULTS = dict(num_folds=5, fold=0, seed=0, part='val')


def check_holdout(holdout: Optional[dict]) -> Optional[dict]:
    """``holdout`` with its defaults filled in, checked.

    Args:
        holdout (dict, optional): ``num_folds`` (k ≥ 2), ``fold`` in
            [0, k), ``seed``, ``part`` (``'train'`` or ``'val'``).

    Returns:
        dict | None: The complete holdout, or None.

    Raises:
        ValueError: Naming the unknown key or the bad value.
    """
    if holdout is None:
        return None
    unknown = set(holdout) - set(_HOLDOUT_DEFAULTS)
    if unknown:
        raise ValueError(f'holdout: unknown keys {sorted(unknown)} '
                         f'(expected {", ".join(_HOLDOUT_DEFAULTS)})')
    holdout = dict(_HOLDOUT_DEFAULTS, **holdout)
    if holdout['part'] not in ('train', 'val'):
        raise ValueError("holdout['part'] must be 'train' or 'val', got "
                         f"{holdout['part']!r}")
    if holdout['num_folds'] < 2 or \
            not 0 <= holdout['fold'] < holdout['num_folds']:
        raise ValueError(f"holdout: need num_folds >= 2 and fold in [0, "
                         f"num_folds), got {holdout['num_folds']} and "
                         f"{holdout['fold']}")
    return holdout


def wrap_in_subset(cfg: Any, key: str, **subset_args) -> None:
    """Wrap the dataset config at ``key`` in :class:`SubsetDataset`.

    Drivers call it after every other override, so those keep addressing
    the dataset where the config declares it.

    Args:
        cfg (Config | dict): The config, changed in place.
        key (str): Dotted path of a dataset config, e.g.
            ``'train_dataloader.dataset'`` (or ``...dataset.dataset`` inside
            a ``RepeatDataset``).
        **subset_args: ``label_subset_file``, ``label_subset``, ``holdout``.

    Raises:
        KeyError: Naming ``key`` when it does not lead to a dataset config.
    """
    *parents, last = key.split('.')
    node = cfg
    try:
        for name in parents:
            node = node[name]
        dataset = node[last]
    except (KeyError, TypeError) as exc:
        raise KeyError(f'no dataset config at {key!r}') from exc
    if not isinstance(dataset, dict) or 'type' not in dataset:
        raise KeyError(f'no dataset config at {key!r}')
    node[last] = dict(type='SubsetDataset', dataset=dataset, **subset_args)


@DATASETS.register_module()
class SubsetDataset:
    """A dataset restricted to a labelled subset and/or a holdout part.

    Args:
        dataset (dict | BaseDataset): The dataset (or its config) to
            narrow; its samples are told apart by ``frame_dir`` and
            stratified by ``class_id`` (0 when absent, e.g. for
            classification sets stratified by ``label`` instead).
        label_subset_file (str, optional): JSON of labelled subsets.
        label_subset (str, optional): Its key, e.g. ``'10%/seed0'``; goes
            with ``label_subset_file``.
        holdout (dict, optional): See :func:`check_holdout`.

    Raises:
        ValueError: Only one of ``label_subset_file`` / ``label_subset``,
            or a bad ``holdout``.
        DataError: The subset names samples the split does not have (names
            the file, the key and the first such samples).
    """

    def __init__(self,
                 dataset: Union[dict, BaseDataset],
                 label_subset_file: Optional[str] = None,
                 label_subset: Optional[str] = None,
                 holdout: Optional[dict] = None) -> None:
        if (label_subset_file is None) != (label_subset is None):
            raise ValueError('label_subset_file and label_subset go together'
                             f'; got label_subset_file={label_subset_file!r}'
                             f', label_subset={label_subset!r}')
        self.dataset = (DATASETS.build(dataset) if isinstance(dataset, dict)
                        else dataset)
        self.label_subset_file = label_subset_file
        self.label_subset = label_subset
        self.holdout = check_holdout(holdout)
        self._fully_initialized = False
        self.full_init()

    @property
    def metainfo(self) -> dict:
        """The wrapped dataset's meta information (score ranges, classes)."""
        return self.dataset.metainfo

    def full_init(self) -> None:
        """Initialise the wrapped dataset and keep the chosen samples."""
        if self._fully_initialized:
            return
        self.dataset.full_init()
        infos = [self.dataset.get_data_info(i)
                 for i in range(len(self.dataset))]
        names = [info['frame_dir'] for info in infos]
        keep = set(names)
        if self.label_subset is not None:
            split_names = getattr(self.dataset, 'split_frame_dirs', None)
            keep &= checked_subset(
                self.label_subset_file, self.label_subset,
                split_names() if callable(split_names) else names,
                f'{self.dataset.ann_file} '
                f'[{getattr(self.dataset, "split", None)}]')
        if self.holdout is not None:
            h = self.holdout
            strata = ((info['frame_dir'],
                       info.get('class_id', info.get('label', 0)))
                      for info in infos if info['frame_dir'] in keep)
            folds = assign_folds(strata, h['num_folds'], h['seed'])
            in_fold = {n for n, f in folds.items() if f == h['fold']}
            keep = in_fold if h['part'] == 'val' else set(folds) - in_fold
        self.dataset.get_subset_([i for i, n in enumerate(names)
                                  if n in keep])
        if len(self.dataset) == 0:
            raise DataError(f'{self.dataset.ann_file}: no samples left '
                            f'(label_subset={self.label_subset!r}, '
                            f'holdout={self.holdout})')
        self._fully_initialized = True

    def get_data_info(self, idx: int) -> Dict[str, Any]:
        """Sample ``idx``'s annotation (see the wrapped dataset)."""
        return self.dataset.get_data_info(idx)

    def __getitem__(self, idx: int) -> Any:
        return self.dataset[idx]

    def __len__(self) -> int:
        return len(self.dataset)
