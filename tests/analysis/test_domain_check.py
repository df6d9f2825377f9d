"""Out-of-domain warnings: synthetic training set, score outside the
training range, too few confident joints."""
import pickle

import numpy as np
import pytest
from mmengine.config import Config

from aqa_mm.analysis.domain_check import (domain_warnings, skeleton_coverage,
                                         training_profile)


def _ann_file(tmp_path, synthetic=True):
    annos = [dict(frame_dir=f's{i}', score=float(s), class_id=c)
             for i, (s, c) in enumerate([(10, 0), (60, 0), (30, 1),
                                         (90, 1), (500, 0)])]
    content = dict(split=dict(train=['s0', 's1', 's2', 's3'], test=['s4']),
                   annotations=annos,
                   metainfo=dict(synthetic=synthetic, dataset_name='toy'))
    path = tmp_path / 'ann.pkl'
    path.write_bytes(pickle.dumps(content))
    return str(path)


def _cfg(ann_file, wrapped=False):
    dataset = dict(type='AQADataset', ann_file=ann_file, split='train')
    if wrapped:
        dataset = dict(type='RepeatDataset', times=3, dataset=dataset)
    return Config(dict(train_dataloader=dict(dataset=dataset)))


@pytest.mark.parametrize('wrapped', [False, True])
def test_training_profile(tmp_path, wrapped):
    profile = training_profile(_cfg(_ann_file(tmp_path), wrapped))
    assert profile['synthetic'] is True
    assert profile['dataset_name'] == 'toy'
    # the test sample (500) is not part of the training range
    assert profile['ranges'] == {0: (10.0, 60.0), 1: (30.0, 90.0)}


def test_profile_missing_file(tmp_path):
    assert training_profile(_cfg(str(tmp_path / 'absent.pkl'))) is None


def test_synthetic_and_range_warnings(tmp_path):
    profile = training_profile(_cfg(_ann_file(tmp_path)))
    result = dict(score=642.73, score_scale='judges')
    msgs = domain_warnings(result, profile)
    assert len(msgs) == 2
    assert 'SYNTHETIC' in msgs[0]
    assert '642.73' in msgs[1] and '[10, 90]' in msgs[1]
    # inside the pooled range: only the synthetic warning
    ok = domain_warnings(dict(score=85.0, score_scale='judges'), profile)
    assert len(ok) == 1 and 'SYNTHETIC' in ok[0]
    # per class: 85 is outside class 0's [10, 60] (+5 % slack)
    per_class = domain_warnings(dict(score=85.0, score_scale='judges'),
                                profile, class_id=0)
    assert any("class 0's training scores [10, 60]" in m for m in per_class)
    # within the 5 % tolerance of the range width
    assert len(domain_warnings(dict(score=92.0, score_scale='judges'),
                               profile)) == 1


def test_real_training_set_and_normalised_scale(tmp_path):
    profile = training_profile(_cfg(_ann_file(tmp_path, synthetic=False)))
    assert domain_warnings(dict(score=50.0, score_scale='judges'),
                           profile) == []
    msgs = domain_warnings(
        dict(score=120.0, score_scale='normalized [0, 100]'), profile)
    assert len(msgs) == 1 and 'normalised range [0, 100]' in msgs[0]


def test_skeleton_coverage_and_warning():
    scores = np.zeros((1, 10, 17), np.float32)
    scores[0, :3, :9] = 0.9          # 3 good frames of 10 (9/17 >= 0.5)
    scores[0, 3:6, :8] = 0.9         # 8/17 < 0.5: not good
    assert skeleton_coverage(scores) == pytest.approx(0.3)
    msgs = domain_warnings(dict(score=1.0), None, keypoint_score=scores)
    assert len(msgs) == 1 and 'only 30% of the frames' in msgs[0]
    assert '9 of 17 joints' in msgs[0]
    scores[0, :, :9] = 0.9
    assert domain_warnings(dict(score=1.0), None,
                           keypoint_score=scores) == []
    assert skeleton_coverage(np.zeros((1, 0, 17))) == 0.0
