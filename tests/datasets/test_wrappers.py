"""SubsetDataset: labelled subsets and holdout folds of any dataset
(AQADataset and mmaction2's PoseDataset), one implementation."""
import pickle

import numpy as np
import pytest
from mmaction.datasets import PoseDataset

from aqa_mm.datasets import AQADataset, SubsetDataset
from aqa_mm.datasets.label_subset import (split_samples, stratified_subset,
                                          write_subsets)
from aqa_mm.datasets.wrappers import check_holdout
from aqa_mm.utils import DataError


def _subsets(tmp_path, ann, fractions=(0.5, ), seeds=(0, )):
    samples = split_samples(pickle.load(open(ann, 'rb')), 'train',
                            'class_id')
    path = tmp_path / 'subsets.json'
    return str(path), write_subsets(samples, fractions, seeds, str(path))


def _aqa(ann, split='train', **kwargs):
    return dict(type='AQADataset', ann_file=ann, pipeline=[], split=split,
                **kwargs)


def _names(ds):
    return [ds.get_data_info(i)['frame_dir'] for i in range(len(ds))]


def test_label_subset_keeps_exactly_the_subset(tiny_ann, tmp_path):
    path, subsets = _subsets(tmp_path, tiny_ann, seeds=(0, 1))
    for key in ('50%/seed0', '50%/seed1'):
        ds = SubsetDataset(_aqa(tiny_ann), label_subset_file=path,
                           label_subset=key)
        assert sorted(_names(ds)) == subsets[key] and len(ds) == 6
    assert subsets['50%/seed0'] != subsets['50%/seed1']
    whole = AQADataset(tiny_ann, pipeline=[], split='train')
    unset = SubsetDataset(_aqa(tiny_ann))
    assert _names(unset) == _names(whole) and len(whole) == 12
    # the score ranges still come from the whole training split
    assert unset.metainfo['score_ranges'] == whole.metainfo['score_ranges']


def test_label_subset_with_class_ids_and_holdout(tiny_ann, tmp_path):
    path, subsets = _subsets(tmp_path, tiny_ann)
    kw = dict(label_subset_file=path, label_subset='50%/seed0')
    ds = SubsetDataset(_aqa(tiny_ann, class_ids=[1]), **kw)
    assert set(_names(ds)) == {n for n in subsets['50%/seed0']
                               if int(n[-3:]) % 2 == 1}  # class = i % 2
    parts = [set(_names(SubsetDataset(_aqa(tiny_ann), holdout=dict(
        num_folds=3, fold=0, part=part), **kw))) for part in ('val', 'train')]
    # the holdout works inside the subset: its two parts partition it
    assert parts[0] | parts[1] == set(subsets['50%/seed0'])
    assert not parts[0] & parts[1] and len(parts[0]) == 2


def test_holdout_parts_partition_the_split(tiny_ann):
    def ids(**holdout):
        return set(_names(SubsetDataset(_aqa(tiny_ann), holdout=holdout)))

    full = set(_names(AQADataset(tiny_ann, pipeline=[], split='train')))
    val = ids(num_folds=4, fold=1, part='val')
    rest = ids(num_folds=4, fold=1, part='train')
    assert val and rest and not val & rest and val | rest == full


def test_bad_arguments_are_named(tiny_ann, tmp_path):
    path, _ = _subsets(tmp_path, tiny_ann)
    with pytest.raises(ValueError, match='unknown keys'):
        check_holdout(dict(folds=3))
    with pytest.raises(ValueError, match="'part'"):
        check_holdout(dict(part='test'))
    with pytest.raises(ValueError, match='fold in'):
        check_holdout(dict(num_folds=3, fold=3))
    assert check_holdout(None) is None
    with pytest.raises(ValueError, match='go together'):
        SubsetDataset(_aqa(tiny_ann), label_subset_file=path)
    with pytest.raises(DataError, match=r"subsets\.json has no subset "
                       r"'10%/seed0'; it has \['50%/seed0'\]"):
        SubsetDataset(_aqa(tiny_ann), label_subset_file=path,
                      label_subset='10%/seed0')
    with pytest.raises(FileNotFoundError,
                       match=r"nowhere\.json \(subset '50%/seed0'"):
        SubsetDataset(_aqa(tiny_ann), label_subset='50%/seed0',
                      label_subset_file=str(tmp_path / 'nowhere.json'))


def test_label_subset_from_another_split_is_refused(tiny_ann, tmp_path):
    path, _ = _subsets(tmp_path, tiny_ann)
    # drawn from train, loaded on test: every name is foreign to the split
    with pytest.raises(DataError, match=r"subsets\.json subset '50%/seed0' "
                       r'names 6 samples not in .*tiny_aqa\.pkl \[test\]'):
        SubsetDataset(_aqa(tiny_ann, split='test'), label_subset_file=path,
                      label_subset='50%/seed0')


def _pose_pkl(tmp_path, samples):
    annos = [dict(frame_dir=n, label=c, total_frames=4,
                  keypoint=np.zeros((1, 4, 20, 3), np.float32))
             for n, c in samples]
    path = tmp_path / 'pose.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(split=dict(train=[n for n, _ in samples]),
                         annotations=annos), f)
    return str(path)


def _samples(per_class=(40, 20, 3)):
    return [(f'c{c}_{i:03d}', c) for c, n in enumerate(per_class)
            for i in range(n)]


def test_mmaction_pose_dataset_subset_and_holdout(tmp_path):
    samples = _samples()
    ann = _pose_pkl(tmp_path, samples)
    subsets = tmp_path / 'subsets.json'
    write_subsets(samples, [0.1], [2], str(subsets))
    pose = dict(type='PoseDataset', ann_file=ann, pipeline=[], split='train')
    ds = SubsetDataset(pose, label_subset_file=str(subsets),
                       label_subset='10%/seed2')
    assert sorted(_names(ds)) == stratified_subset(samples, 0.1, seed=2)
    # a built dataset works too; classification sets stratify by label
    val = SubsetDataset(PoseDataset(ann, pipeline=[], split='train'),
                        holdout=dict(num_folds=5, fold=0, part='val'))
    labels = [val.get_data_info(i)['label'] for i in range(len(val))]
    assert np.bincount(labels).tolist() == [8, 4, 1]


def test_subset_naming_unknown_samples(tmp_path):
    ann = _pose_pkl(tmp_path, _samples((5, 5)))
    subsets = tmp_path / 'subsets.json'
    write_subsets(_samples((5, 6)), [1.0], [0], str(subsets))
    with pytest.raises(DataError, match=r"1 samples not in .*'c1_005'"):
        SubsetDataset(dict(type='PoseDataset', ann_file=ann, pipeline=[],
                           split='train'),
                      label_subset_file=str(subsets),
                      label_subset='100%/seed0')


def test_wrap_in_subset_after_the_other_overrides(tiny_ann, tmp_path):
    from mmengine.config import Config

    from aqa_mm.datasets.wrappers import wrap_in_subset
    from aqa_mm.utils.cli import merge_cfg_options
    path, subsets = _subsets(tmp_path, tiny_ann)
    cfg = Config(dict(train_dataloader=dict(batch_size=2, dataset=dict(
        type='RepeatDataset', times=1, dataset=_aqa('elsewhere.pkl')))))
    merge_cfg_options(cfg, {
        'train_dataloader.dataset.dataset.ann_file': tiny_ann})
    wrap_in_subset(cfg, 'train_dataloader.dataset.dataset',
                   label_subset_file=path, label_subset='50%/seed0')
    ds = cfg.train_dataloader.dataset.dataset
    assert ds.type == 'SubsetDataset' and ds.dataset.ann_file == tiny_ann
    built = SubsetDataset(**{k: v for k, v in ds.items() if k != 'type'})
    assert sorted(_names(built)) == subsets['50%/seed0']
    with pytest.raises(KeyError, match='val_dataloader'):
        wrap_in_subset(cfg, 'val_dataloader.dataset', label_subset='x')
    with pytest.raises(KeyError, match='train_dataloader.batch_size'):
        wrap_in_subset(cfg, 'train_dataloader.batch_size')
