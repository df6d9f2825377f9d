"""Class-stratified labelled subsets for semi-supervised protocols.

The self-supervised skeleton literature (AimCLR, CrosSCLR, PSTL) pretrains on
a whole training split without labels and finetunes on a small labelled part
of it. :func:`stratified_subset` draws that part per class and per seed, so
that the subsets are fixed by ``(seed, fraction)`` and nested: for one seed
the 5 % subset is contained in the 10 % one, which is contained in the whole
split. :func:`write_subsets` writes them down (JSON, atomically) so that
every run reads the same names; :class:`~aqa_mm.datasets.SubsetDataset`
reads them back around any dataset (mmaction2 skeleton pkls, class field
``label``; ``AQADataset``, class field ``class_id``).
"""
import json
import os.path as osp
from typing import Collection, Dict, Iterable, List, Sequence, Set, Tuple

import numpy as np

from aqa_mm.utils.cli import DataError
from aqa_mm.utils.io import atomic_write_text

#: annotation format -> the field holding the class the draw stratifies by
LABEL_KEYS = {'pose': 'label', 'aqa': 'class_id'}


def subset_key(fraction: float, seed: int) -> str:
    """The name of a subset in a subsets file, e.g. ``'10%/seed0'``.

    Args:
        fraction (float): Labelled fraction in (0, 1].
        seed (int): Draw seed.

    Returns:
        str: ``f'{100 * fraction:g}%/seed{seed}'``.
    """
    return f'{100 * fraction:g}%/seed{seed}'


def stratified_subset(samples: Iterable[Tuple[str, int]], fraction: float,
                      seed: int = 0) -> List[str]:
    """Draw ``fraction`` of every class, at least one sample per class.

    Within class c the ids are sorted and permuted with
    ``default_rng([seed, c])``; the first ``max(1, round(fraction · n_c))``
    are kept. The permutation does not depend on ``fraction``, so for one
    seed a smaller subset is always inside a larger one, and the result does
    not depend on the input order.

    Args:
        samples (Iterable[tuple[str, int]]): (frame_dir, class_id) pairs.
        fraction (float): Labelled fraction in (0, 1].
        seed (int): Draw seed. Defaults to 0.

    Returns:
        list[str]: The kept frame_dirs, sorted.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f'fraction must be in (0, 1], got {fraction}')
    by_class: Dict[int, list] = {}
    for frame_dir, class_id in samples:
        by_class.setdefault(int(class_id), []).append(str(frame_dir))
    kept = []
    for class_id in sorted(by_class):
        ids = sorted(by_class[class_id])
        order = np.random.default_rng([seed, class_id]).permutation(len(ids))
        count = max(1, int(round(fraction * len(ids))))
        kept.extend(ids[i] for i in order[:count])
    return sorted(kept)


def write_subsets(samples: Sequence[Tuple[str, int]],
                  fractions: Sequence[float], seeds: Sequence[int],
                  out_file: str, source: str = '') -> Dict[str, List[str]]:
    """Draw every (fraction, seed) subset and write them to a JSON file.

    The file holds ``{'source': ..., 'num_samples': ..., 'subsets':
    {subset_key: [frame_dir, ...]}, 'per_class': {subset_key: [n_0, ...]}}``.

    Args:
        samples (Sequence[tuple[str, int]]): (frame_dir, class_id) pairs of
            the whole labelled split.
        fractions (Sequence[float]): Fractions in (0, 1].
        seeds (Sequence[int]): Draw seeds.
        out_file (str): JSON path, written atomically.
        source (str): What the samples are (for the reader). Defaults to
            ``''``.

    Returns:
        dict[str, list[str]]: subset_key → frame_dirs.
    """
    labels = {name: int(label) for name, label in samples}
    classes = sorted(set(labels.values()))
    subsets, per_class = {}, {}
    for fraction in fractions:
        for seed in seeds:
            key = subset_key(fraction, seed)
            subsets[key] = stratified_subset(samples, fraction, seed)
            counts = np.bincount([labels[n] for n in subsets[key]],
                                 minlength=len(classes))
            per_class[key] = counts.tolist()
    report = dict(source=source, num_samples=len(labels), subsets=subsets,
                  per_class=per_class)
    atomic_write_text(json.dumps(report, indent=1) + '\n', out_file)
    return subsets


def read_subset(subset_file: str, key: str) -> List[str]:
    """The frame_dirs of one subset of a file from :func:`write_subsets`.

    Args:
        subset_file (str): JSON path.
        key (str): A subset key, e.g. ``'10%/seed0'``.

    Returns:
        list[str]: frame_dirs.

    Raises:
        KeyError: Naming the file and the keys it has.
    """
    with open(subset_file) as f:
        subsets = json.load(f)['subsets']
    if key not in subsets:
        raise KeyError(f'{subset_file} has no subset {key!r}; it has '
                       f'{sorted(subsets)}')
    return list(subsets[key])


def split_samples(content: dict, split: str,
                  label_key: str) -> List[Tuple[str, int]]:
    """The (frame_dir, class) pairs of one split of an annotation dict.

    Args:
        content (dict): ``dict(split={name: [frame_dir, ...]},
            annotations=[...])``, mmaction2's skeleton pkl or aqa_mm's
            extension of it.
        split (str): Split name, e.g. ``'train'``.
        label_key (str): The class field (``LABEL_KEYS``): ``'label'``
            (mmaction2) or ``'class_id'`` (aqa_mm).

    Returns:
        list[tuple[str, int]]: In annotation order.

    Raises:
        DataError: Unknown split (lists the known ones) or an annotation of
            the split without ``label_key``.
    """
    splits = content.get('split', {})
    if split not in splits:
        raise DataError(f'no split {split!r}; it has {sorted(splits)}')
    names = set(splits[split])
    annos = [a for a in content['annotations'] if a['frame_dir'] in names]
    lacking = [a['frame_dir'] for a in annos if label_key not in a]
    if lacking:
        raise DataError(f'{len(lacking)} annotations of split {split!r} have '
                        f'no {label_key!r} field, e.g. {lacking[:3]}')
    return [(a['frame_dir'], int(a[label_key])) for a in annos]


def checked_subset(subset_file: str, key: str, split_names: Collection[str],
                   source: str) -> Set[str]:
    """The frame_dirs of a subset, all checked to be in the split.

    Args:
        subset_file (str): JSON from :func:`write_subsets`.
        key (str): Subset key, e.g. ``'10%/seed0'``.
        split_names (Collection[str]): frame_dirs of the split the subset
            is meant to be drawn from.
        source (str): That split, for messages (e.g. ``'ann.pkl [train]'``).

    Returns:
        set[str]: The subset's frame_dirs.

    Raises:
        FileNotFoundError: No ``subset_file`` (names it and the key).
        DataError: No ``key`` in the file (names both and the keys it has),
            or the subset names samples the split lacks.
    """
    if not osp.isfile(subset_file):
        raise FileNotFoundError(
            f'label subset file not found: {subset_file} (subset {key!r}; '
            'write it with tools/data/make_label_subsets.py)')
    try:
        names = set(read_subset(subset_file, key))
    except KeyError as exc:
        raise DataError(exc.args[0]) from exc
    missing = sorted(names - set(split_names))
    if missing:
        raise DataError(f'{subset_file} subset {key!r} names {len(missing)} '
                        f'samples not in {source}, e.g. {missing[:3]}')
    return names
