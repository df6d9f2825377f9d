"""Feature cache files, class-stratified folds, AQADataset holdout/Feature."""
import os
import pickle

import numpy as np
import pytest

from aqa_mm.datasets import AQADataset
from aqa_mm.datasets.feature_cache import (feature_filename, load_features,
                                           save_features)
from aqa_mm.datasets.folds import assign_folds
from aqa_mm.datasets.transforms import LoadAQAFeatures, StreamPipeline
from aqa_mm.utils.cli import DataError


def test_feature_file_roundtrip_and_errors(tmp_path):
    path = str(tmp_path / feature_filename('diving/001'))
    assert path.endswith('diving__001.npz')
    save_features(path, dict(skeleton=np.arange(4), rgb=np.ones(8)))
    feats = load_features(path)
    assert feats['skeleton'].dtype == np.float32
    assert feats['rgb'].shape == (8, )
    assert [f for f in os.listdir(tmp_path)] == ['diving__001.npz']
    with pytest.raises(DataError, match='NaN'):
        save_features(path, dict(rgb=np.array([np.nan])))
    with pytest.raises(ValueError, match=r'1-D'):
        save_features(path, dict(rgb=np.zeros((2, 2))))
    bad = tmp_path / 'bad.npz'
    bad.write_bytes(b'not a zip')
    with pytest.raises(DataError, match='bad.npz is corrupt'):
        load_features(str(bad))
    with pytest.raises(DataError, match='not found: .*missing.npz'):
        load_features(str(tmp_path / 'missing.npz'))


def test_folds_are_stratified_deterministic_and_order_free():
    samples = [(f'c{c}_{i}', c) for c in range(3) for i in range(11)]
    folds = assign_folds(samples, 5, seed=0)
    assert folds == assign_folds(reversed(samples), 5, seed=0)
    assert folds != assign_folds(samples, 5, seed=1)
    for c in range(3):
        counts = np.bincount([folds[f'c{c}_{i}'] for i in range(11)])
        assert counts.max() - counts.min() <= 1
    with pytest.raises(ValueError):
        assign_folds(samples, 1)


def test_feature_modality_validates_files_up_front(tiny_ann, tmp_path):
    with open(tiny_ann, 'rb') as f:
        test_ids = pickle.load(f)['split']['test']
    for name in test_ids[:-1]:
        save_features(str(tmp_path / feature_filename(name)),
                      dict(skeleton=np.zeros(4), rgb=np.zeros(8)))
    with pytest.raises(DataError, match=f'{test_ids[-1]}: feature file'):
        AQADataset(tiny_ann, pipeline=[], split='test', modality='Feature',
                   data_prefix=dict(feature=str(tmp_path)))
    save_features(str(tmp_path / feature_filename(test_ids[-1])),
                  dict(skeleton=np.ones(4), rgb=np.zeros(8)))
    prefs = tmp_path / 'prefs.pkl'
    prefs.write_bytes(pickle.dumps({test_ids[-1]: 1}))
    ds = AQADataset(tiny_ann, split='test', modality='Feature',
                    data_prefix=dict(feature=str(tmp_path)),
                    pipeline=[dict(type='LoadAQAFeatures',
                                   preference_file=str(prefs)),
                              dict(type='PackAQAInputs', collect_keys=(
                                  'feat_skeleton', 'feat_rgb'))])
    item = ds[len(ds) - 1]
    assert item['inputs']['feat_skeleton'].tolist() == [1, 1, 1, 1]
    assert int(item['data_samples'].gt_preference) == 1
    with pytest.raises(DataError, match='no label for sample'):
        ds[0]


def test_load_features_names_a_missing_stream(tmp_path):
    path = str(tmp_path / 'a.npz')
    save_features(path, dict(rgb=np.zeros(3)))
    with pytest.raises(DataError, match="no 'skeleton' feature"):
        LoadAQAFeatures()(dict(feature_file=path, frame_dir='a'))


def test_stream_pipeline_isolates_streams():
    calls = []

    def stream(results):
        calls.append(sorted(results))
        results['out'] = 1
        results['frame_inds'] = 'clobbered'
        return results

    step = StreamPipeline([stream], keys=('out', ), hide_keys=('secret', ))
    res = step(dict(frame_inds=[0, 1], secret=2, frame_dir='x'))
    assert res['frame_inds'] == [0, 1] and res['out'] == 1
    assert calls == [['frame_dir', 'frame_inds']]
    with pytest.raises(KeyError, match="produced no \\['missing'\\]"):
        StreamPipeline([stream], keys=('missing', ))(dict(frame_dir='x'))
