"""Which pose backend the tools run, and what they say about it."""
import pytest

from aqa_mm.pose import BatchedTopdown, BlazePoseEstimator
from aqa_mm.pose.pose_backend import (build_pose_extractor, choose_backend,
                                      describe_backend)
from aqa_mm.utils import UserError


def test_default_is_hrnet_with_weights_and_blazepose_without(tmp_path):
    weights = tmp_path / 'w.pth'
    weights.write_bytes(b'')
    assert choose_backend(None, str(weights), False) == 'hrnet'
    assert choose_backend(None, 'https://host/w.pth', False) == 'hrnet'
    assert choose_backend(None, None, True) == 'hrnet'
    assert choose_backend(None, None, False) == 'blazepose'
    assert choose_backend('blazepose', None, False) == 'blazepose'


def test_hrnet_still_needs_weights():
    with pytest.raises(UserError, match='no --pose-checkpoint'):
        choose_backend('hrnet', None, False)
    with pytest.raises(UserError, match='pose checkpoint not found'):
        choose_backend(None, 'missing.pth', False)


@pytest.mark.parametrize('kwargs', [dict(checkpoint='w.pth'),
                                    dict(random_weights=True),
                                    dict(pose_config='hrnet.py')])
def test_hrnet_options_are_refused_with_blazepose(kwargs):
    args = dict(checkpoint=None, random_weights=False, pose_config=None)
    args.update(kwargs)
    with pytest.raises(UserError, match='HRNet options'):
        choose_backend('blazepose', **args)


def test_unknown_backend_lists_the_known_ones():
    with pytest.raises(UserError, match='hrnet, blazepose'):
        choose_backend('openpose', None, False)


def test_the_line_says_which_backend_and_that_blazepose_is_cpu_only():
    assert describe_backend('blazepose', 'cpu').startswith(
        'pose backend: blazepose (MediaPipe BlazePose')
    assert 'does not run on cuda:0' in describe_backend('blazepose',
                                                        'cuda:0')
    assert 'RANDOM weights' in describe_backend('hrnet', 'cpu', True)
    assert '\n' not in describe_backend('blazepose', 'cuda')


def test_built_extractors():
    blaze = build_pose_extractor('blazepose', 'cuda', batch_size=8)
    assert isinstance(blaze.estimator, BlazePoseEstimator)
    # BlazePose searches for the athlete itself, in every orientation
    assert blaze.batch_size == 1 and blaze.search.angles == (0, 90, 180, 270)
    hrnet = build_pose_extractor('hrnet', 'cpu', batch_size=4,
                                 random_weights=True)
    assert isinstance(hrnet.estimator, BatchedTopdown)
    # random weights: meaningless keypoints, so no athlete search
    assert hrnet.batch_size == 4 and hrnet.whole_frame
    assert hrnet.search is None and hrnet.finder is None


def test_hrnet_boxes_come_from_the_blazepose_search(monkeypatch):
    """With weights, HRNet's person boxes come from BlazePose's search in
    every orientation (no mmdet); the model itself is not needed here."""
    import aqa_mm.pose.pose_backend as backend
    monkeypatch.setattr(backend, 'init_pose_model', lambda *a, **k: None)
    monkeypatch.setattr(backend, 'BatchedTopdown', lambda *a: 'hrnet')
    hrnet = build_pose_extractor('hrnet', 'cpu', batch_size=4,
                                 checkpoint='weights.pth')
    assert hrnet.search is None and not hrnet.whole_frame
    assert isinstance(hrnet.finder.estimator, BlazePoseEstimator)
    assert hrnet.finder.angles == (0, 90, 180, 270)
