"""RandomFeatureCrop: GDLT's consecutive-clip training crop."""
import numpy as np
import pytest

from aqa_mm.datasets.transforms import RandomFeatureCrop


def test_crops_consecutive_clips_with_one_window():
    seq = np.arange(20, dtype=np.float32)[:, None].repeat(3, 1)   # (20, 3)
    other = seq * 10
    crop = RandomFeatureCrop(clip_num=6, keys=('a', 'b'))
    starts = set()
    np.random.seed(0)
    for _ in range(50):
        out = crop(dict(a=seq, b=other))
        assert out['a'].shape == (6, 3)
        start = int(out['a'][0, 0])
        np.testing.assert_array_equal(out['a'][:, 0], np.arange(start,
                                                               start + 6))
        np.testing.assert_array_equal(out['b'], out['a'] * 10)
        starts.add(start)
    assert min(starts) >= 0 and max(starts) <= 14 and len(starts) > 5
    assert 'clip_num=6' in repr(crop)


def test_short_sequences_are_kept_whole():
    seq = np.ones((4, 3), np.float32)
    out = RandomFeatureCrop(clip_num=6)(dict(feat_rgb=seq))
    assert out['feat_rgb'] is seq


@pytest.mark.parametrize('results,match', [
    (dict(x=np.ones(3)), "no 'feat_rgb'"),
    (dict(feat_rgb=np.ones(3)), r'must be \(T, C\)'),
])
def test_bad_inputs_are_named(results, match):
    with pytest.raises((KeyError, ValueError), match=match):
        RandomFeatureCrop(clip_num=2)(results)
    with pytest.raises(ValueError, match='clip_num'):
        RandomFeatureCrop(clip_num=0)
