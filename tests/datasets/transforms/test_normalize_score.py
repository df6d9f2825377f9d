"""NormalizeScore and the pure per-class score mapping (CoRe / MUSDL)."""
import pickle

import numpy as np
import pytest

from aqa_mm.datasets import AQADataset
from aqa_mm.datasets import score_normalization as sn
from aqa_mm.datasets.transforms.normalize_score import NormalizeScore
from aqa_mm.registry import TRANSFORMS
from aqa_mm.utils.cli import DataError

# CoRe's AQA-7 table (utils/misc.py), class ids 0..5
CORE_RANGES = {0: (21.6, 102.6), 1: (12.3, 16.87), 2: (8.0, 50.0),
               3: (8.0, 50.0), 4: (46.2, 104.88), 5: (49.8, 99.36)}


def test_round_trip_exact():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 6, 1000)
    raw = np.array([rng.uniform(*CORE_RANGES[c]) for c in ids])
    for target in ((0.0, 100.0), (0.0, 1.0), (-1.0, 1.0)):
        norm = sn.normalize_scores(raw, ids, CORE_RANGES, target)
        back = sn.denormalize_scores(norm, ids, CORE_RANGES, target)
        np.testing.assert_allclose(back, raw, rtol=1e-13, atol=0)
        np.testing.assert_allclose(
            sn.normalize_scores(back, ids, CORE_RANGES, target), norm,
            rtol=0, atol=1e-12)
        assert norm.min() >= target[0] and norm.max() <= target[1]


def test_matches_core_formula_and_endpoints():
    # CoRe: (label - lo) / (hi - lo) * 100
    assert sn.normalize_scores(84.15, 0, CORE_RANGES)[0] == pytest.approx(
        (84.15 - 21.6) / 81.0 * 100)
    lo_hi = sn.normalize_scores([12.3, 16.87], [1, 1], CORE_RANGES)
    np.testing.assert_allclose(lo_hi, [0.0, 100.0], atol=1e-12)
    assert lo_hi[0] == 0.0
    # a score outside the training range maps outside the target range
    assert sn.normalize_scores(110.0, 0, CORE_RANGES)[0] > 100


def test_degenerate_range_only_shifts():
    ranges = {0: (5.0, 5.0)}
    norm = sn.normalize_scores([5.0, 6.5], [0, 0], ranges, (0.0, 1.0))
    np.testing.assert_array_equal(norm, [0.0, 1.5])
    np.testing.assert_array_equal(
        sn.denormalize_scores(norm, [0, 0], ranges, (0.0, 1.0)), [5.0, 6.5])


def test_errors():
    with pytest.raises(KeyError, match=r'class id\(s\) \[7\]'):
        sn.normalize_scores([1.0], [7], CORE_RANGES)
    with pytest.raises(ValueError, match='lo < hi'):
        sn.normalize_scores([1.0], [0], CORE_RANGES, (1.0, 1.0))


def test_ranges_come_from_the_train_split_only(tiny_ann):
    with open(tiny_ann, 'rb') as f:
        ann = pickle.load(f)
    test_item = next(a for a in ann['annotations']
                     if a['frame_dir'] in ann['split']['test'])
    test_item['score'] = 1e6  # must not widen any range
    with open(tiny_ann, 'wb') as f:
        pickle.dump(ann, f)
    ranges = sn.load_score_ranges(tiny_ann)
    assert max(hi for _, hi in ranges.values()) < 1e6
    dataset = AQADataset(tiny_ann, pipeline=[], split='test')
    assert ranges == dataset.metainfo['score_ranges']
    with pytest.raises(DataError, match="unknown split 'val'"):
        sn.load_score_ranges(tiny_ann, 'val')


def test_load_score_ranges_is_cached(tiny_ann):
    sn._cached_ranges.cache_clear()
    first = sn.load_score_ranges(tiny_ann)
    assert sn.load_score_ranges(tiny_ann) == first
    info = sn._cached_ranges.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_transform(tiny_ann):
    t = TRANSFORMS.build(dict(type='NormalizeScore', ann_file=tiny_ann))
    lo, hi = t.ranges[1]
    out = t(dict(frame_dir='x', score=hi, class_id=1))
    assert out['raw_score'] == hi and out['score'] == pytest.approx(100.0)
    back = sn.denormalize_scores(out['score'], 1, t.ranges)[0]
    assert back == pytest.approx(hi, rel=1e-14)
    assert 'target_range=(0.0, 100.0)' in repr(t)
    with pytest.raises(KeyError, match=r"sample 'y': class id 9"):
        t(dict(frame_dir='y', score=1.0, class_id=9))
    with pytest.raises(KeyError, match="needs 'class_id'"):
        t(dict(frame_dir='z', score=1.0))


def test_transform_arguments():
    with pytest.raises(ValueError, match='exactly one of'):
        NormalizeScore()
    with pytest.raises(ValueError, match='exactly one of'):
        NormalizeScore(ann_file='a.pkl', ranges=CORE_RANGES)
    with pytest.raises(FileNotFoundError, match='missing.pkl'):
        NormalizeScore(ann_file='missing.pkl')
    t = NormalizeScore(ranges=CORE_RANGES, target_range=(-1, 1))
    assert t(dict(score=21.6, class_id=0))['score'] == -1.0


def test_in_a_training_pipeline(tiny_ann):
    dataset = AQADataset(tiny_ann, split='train', pipeline=[
        dict(type='NormalizeScore', ann_file=tiny_ann),
        dict(type='PackAQAInputs', collect_keys=None)],
        num_keypoints=17)
    scores = [float(dataset[i]['data_samples'].gt_score)
              for i in range(len(dataset))]
    assert min(scores) == pytest.approx(0, abs=1e-4)
    assert max(scores) == pytest.approx(100, abs=1e-4)
