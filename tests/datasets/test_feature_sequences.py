"""Feature sequences (T_i, C) through the project's feature path: import,
AQADataset(modality='Feature'), LoadAQAFeatures, RandomFeatureCrop,
PackAQAInputs and SequenceDataPreprocessor, with variable T."""
import pickle

import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate

from aqa_mm.datasets.feature_cache import load_features, save_features
from aqa_mm.datasets.feature_sequences import (import_feature_sequences,
                                               read_label_file)
from aqa_mm.registry import DATASETS, MODELS
from aqa_mm.utils.cli import DataError
from tests.datasets.fisv_fixture import LENGTHS, make_fisv_raw


@pytest.fixture
def imported(tmp_path):
    raw = make_fisv_raw(tmp_path / 'raw')
    splits = {s: read_label_file(str(raw[s]), 'fisv', 'TES')
              for s in ('train', 'test')}
    info = import_feature_sequences(str(raw['features']), splits,
                                    str(tmp_path / 'out'), 'fisv_tes.pkl')
    return raw, tmp_path / 'out', info


def test_read_label_file_formats(tmp_path):
    raw = make_fisv_raw(tmp_path)
    tes = read_label_file(str(raw['train']), 'fisv', 'TES')
    pcs = read_label_file(str(raw['train']), 'fisv', 'PCS')
    first = raw['train'].read_text().split('\n')[0].split()
    assert tes[0] == (first[0], float(first[1]))
    assert pcs[0] == (first[0], float(first[2]))
    assert len(tes) == len(LENGTHS) - 3
    two = tmp_path / 'two.txt'
    two.write_text('a,1.5\n\nb, 2\n')
    assert read_label_file(str(two), 'id-score', 'score') == [('a', 1.5),
                                                               ('b', 2.0)]


@pytest.mark.parametrize('text,match', [
    ('1\n', 'at least 2 columns'),
    ('1 x 3 0\n', 'not a finite number'),
    ('1 nan 3 0\n', 'not a finite number'),
    ('1 2 3 0\n1 2 3 0\n', 'duplicate id'),
    ('\n', 'no samples'),
])
def test_read_label_file_errors_name_the_line(tmp_path, text, match):
    path = tmp_path / 'labels.txt'
    path.write_text(text)
    with pytest.raises(DataError, match=match):
        read_label_file(str(path), 'fisv', 'TES')
    with pytest.raises(DataError, match='no score'):
        read_label_file(str(path), 'fisv', 'total')


def test_import_writes_sequences_and_annotation(imported):
    raw, out, info = imported
    content = pickle.loads((out / 'fisv_tes.pkl').read_bytes())
    assert content['split']['test'] == ['6', '7', '8']
    assert len(content['annotations']) == len(LENGTHS)
    first = content['annotations'][0]
    assert first['class_name'] == 'fis-v' and first['class_id'] == 0
    assert first['total_frames'] == LENGTHS[0]
    feats = load_features(str(out / 'features' / first['feature_file']))
    np.testing.assert_array_equal(
        feats['rgb'], np.load(raw['features'] / '1.npy'))
    assert info['written'] == len(LENGTHS) and info['channels'] == 16
    assert info['train']['min_t'] == 4 and info['test']['max_t'] == 10
    # PCS reuses the feature files
    again = import_feature_sequences(
        str(raw['features']),
        dict(train=read_label_file(str(raw['train']), 'fisv', 'PCS')),
        str(out), 'fisv_pcs.pkl')
    assert again['written'] == 0 and again['kept'] == len(LENGTHS) - 3


def test_import_rejects_bad_inputs(tmp_path, imported):
    raw, out, _ = imported
    pairs = read_label_file(str(raw['train']), 'fisv', 'TES')
    with pytest.raises(DataError, match="'1' is in splits"):
        import_feature_sequences(str(raw['features']),
                                 dict(a=pairs, b=pairs[:1]), str(out), 'x.pkl')
    np.save(raw['features'] / '1.npy', np.zeros(5, np.float32))
    with pytest.raises(DataError, match=r'1\.npy: expected a \(T, C\)'):
        import_feature_sequences(str(raw['features']), dict(a=pairs),
                                 str(tmp_path / 'o2'), 'x.pkl')
    with pytest.raises(DataError, match='NaN'):
        save_features(str(tmp_path / 'n.npz'),
                      dict(rgb=np.full((2, 3), np.nan)), ndim=2)
    with pytest.raises(ValueError, match=r'\(T, C\) with T >= 1'):
        save_features(str(tmp_path / 'e.npz'), dict(rgb=np.zeros((0, 3))),
                      ndim=2)


def _dataset(out, split, pipeline):
    return DATASETS.build(dict(
        type='AQADataset', ann_file=str(out / 'fisv_tes.pkl'), split=split,
        modality='Feature', data_prefix=dict(feature=str(out / 'features')),
        pipeline=pipeline))


def test_variable_length_batches_pad_with_a_mask(imported):
    raw, out, _ = imported
    pack = dict(type='PackAQAInputs', collect_keys=('feat_rgb', ))
    load = dict(type='LoadAQAFeatures', streams=('rgb', ))
    train = _dataset(out, 'train', [
        load, dict(type='RandomFeatureCrop', clip_num=6), pack])
    test = _dataset(out, 'test', [load, pack])
    assert len(train) == 5 and len(test) == 3
    pre = MODELS.build(dict(type='SequenceDataPreprocessor'))
    batch = pre(pseudo_collate([train[i] for i in range(5)]), training=True)
    x, mask = batch['inputs']['feat_rgb'], batch['inputs']['feat_rgb_mask']
    assert x.shape == (5, 6, 16)    # crops of 6; the T=4 and T=5 ones padded
    assert mask.sum(1).tolist() == [min(t, 6) for t in LENGTHS[:5]]
    assert (x[~mask] == 0).all()
    batch = pre(pseudo_collate([test[i] for i in range(3)]))
    x, mask = batch['inputs']['feat_rgb'], batch['inputs']['feat_rgb_mask']
    assert x.shape == (3, 10, 16)   # whole test sequences
    assert mask.sum(1).tolist() == list(LENGTHS[5:])
    first = np.load(raw['features'] / '6.npy')
    torch.testing.assert_close(x[0, :5], torch.from_numpy(first))
    scores = [s.gt_score.item() for s in batch['data_samples']]
    assert scores == pytest.approx(
        [s for _, s in read_label_file(str(raw['test']), 'fisv', 'TES')])
