"""Write class-stratified labelled subsets of an annotation pkl split.

    python tools/data/make_label_subsets.py data/nw_ucla/nw_ucla_xview.pkl \
        data/nw_ucla/nw_ucla_label_subsets.json \
        --split xview_train --fractions 0.05 0.1 --seeds 0 1 2
    python tools/data/make_label_subsets.py data/synthetic/synthetic_aqa.pkl \
        data/synthetic/aqa_label_subsets.json --fractions 0.05 0.1

For the semi-supervised protocol (pretrain on the whole split without
labels, finetune on a labelled subset). The subsets are fixed by (fraction,
seed) and nested per seed; see :mod:`aqa_mm.datasets.label_subset`.

Two annotation formats (``--format``, detected from the first annotation
by default): ``pose``, mmaction2's skeleton pkl, stratified by ``label``
(default split ``xview_train``); ``aqa``, aqa_mm's AQADataset pkl (it has
``score`` and ``class_id``), stratified by ``class_id`` (default split
``train``; one class: a plain fraction). Either is read back by wrapping the
dataset: ``dict(type='SubsetDataset', dataset=..., label_subset_file=...,
label_subset='10%/seed0')``.
"""
import argparse
from typing import Optional, Sequence

import mmengine

from aqa_mm.datasets.label_subset import (LABEL_KEYS, split_samples,
                                          write_subsets)
from aqa_mm.utils.cli import DataError, UserError, friendly_errors

DEFAULT_SPLITS = {'pose': 'xview_train', 'aqa': 'train'}


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file', help='annotation .pkl (pose or aqa)')
    parser.add_argument('out_file', help='subsets .json to write')
    parser.add_argument('--format', choices=['auto', *LABEL_KEYS],
                        default='auto', help='annotation format (auto: aqa '
                        "if the first annotation has 'score' and "
                        "'class_id', pose if it has 'label')")
    parser.add_argument('--split', help='split to draw from (default: '
                        'xview_train for pose, train for aqa)')
    parser.add_argument('--fractions', type=float, nargs='+',
                        default=[0.05, 0.1])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    return parser.parse_args(argv)


def detect_format(data: dict, ann_file: str) -> str:
    """``'aqa'`` or ``'pose'`` from the first annotation's fields.

    Args:
        data (dict): The loaded annotation pkl.
        ann_file (str): Its path, for the message.

    Returns:
        str: A key of ``LABEL_KEYS``.
    """
    annos = data.get('annotations') or [{}]
    first = annos[0]
    if 'score' in first and 'class_id' in first:
        return 'aqa'
    if 'label' in first:
        return 'pose'
    raise UserError(f'{ann_file}: cannot tell the format (the first '
                    "annotation has neither 'score' + 'class_id' nor "
                    "'label'); pass --format")


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Draw the subsets, write them and print their sizes."""
    args = parse_args(argv)
    with friendly_errors('make_label_subsets.py'):
        data = mmengine.load(args.ann_file)
        fmt = (detect_format(data, args.ann_file) if args.format == 'auto'
               else args.format)
        split = args.split or DEFAULT_SPLITS[fmt]
        try:
            samples = split_samples(data, split, LABEL_KEYS[fmt])
        except DataError as exc:    # unknown split, a sample without class
            raise UserError(f'{args.ann_file} ({fmt} format): '
                            f'{exc}') from exc
        subsets = write_subsets(samples, args.fractions, args.seeds,
                                args.out_file,
                                source=f'{args.ann_file}:{split}')
    for key, kept in subsets.items():
        print(f'{key}: {len(kept)} of {len(samples)}')
    print(f'wrote {args.out_file}')


if __name__ == '__main__':
    main()
