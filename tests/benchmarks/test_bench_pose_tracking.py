"""benchmarks/bench_pose_tracking.py: the scoring rule (on / wrong / miss /
out of view, the two-men clip), the hand-marked ground truth fixtures
against their real videos, and the options it refuses."""
import json

import cv2
import numpy as np
import pytest

from benchmarks import bench_pose_tracking as bench

FIXTURES = bench.FIXTURES


def _pose(x, y, score=0.9):
    kpts = np.tile(np.array([[x, y]], np.float32), (17, 1))
    return kpts, np.full(17, score, np.float32)


def test_scoring_rule():
    box = bench.enlarge([0, 0, 100, 100])  # 10 px per side
    np.testing.assert_allclose(box, [-10, -10, 110, 110])
    athlete = [lambda p: 0 <= p[0] <= 100]
    truth = {0: athlete, 5: athlete, 10: athlete, 15: [], 20: []}
    poses = [_pose(50, 50), _pose(300, 50), _pose(0, 0, 0.0),
             _pose(50, 50), _pose(0, 0, 0.0)]
    kpts = np.stack([p[0] for p in poses for _ in range(5)])
    scores = np.stack([p[1] for p in poses for _ in range(5)])
    res = bench.evaluate(kpts, scores, truth, two_people=False)
    assert res['outcome'] == {0: 'on', 5: 'wrong', 10: 'miss',
                              15: 'wrong', 20: 'empty'}
    assert (res['in_view'], res['on'], res['wrong']) == (3, 1, 2)
    assert res['coverage'] == pytest.approx(1 / 3)


def test_two_men_the_first_posed_one_is_the_athlete():
    left, right = (lambda p: p[0] < 100), (lambda p: p[0] >= 100)
    truth = {0: [left, right], 5: [left, right], 10: [left, right]}
    kpts = np.stack([_pose(150, 0)[0]] * 6 + [_pose(50, 0)[0]] * 5)
    scores = np.ones((11, 17), np.float32)
    res = bench.evaluate(kpts, scores, truth, two_people=True)
    # the track started on the right man: the left one later is wrong
    assert res['outcome'] == {0: 'on', 5: 'on', 10: 'wrong'}


@pytest.mark.parametrize('name', ['diving_back_tuck', 'demo_skeleton',
                                  'skating_double_axel_practice'])
def test_fixtures_match_their_videos(name, real_data_dir):
    spec = json.loads((FIXTURES / f'{name}.json').read_text())
    cap = cv2.VideoCapture(str(real_data_dir / spec['clip']))
    assert int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)) == spec['width']
    assert int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)) == spec['height']
    keys = sorted(int(k) for k in spec['boxes'])
    assert keys == list(range(0, spec['num_frames'], spec['step']))
    for sets in (spec['boxes'], spec.get('alt_boxes', {})):
        for box in filter(None, sets.values()):
            x1, y1, x2, y2 = box
            assert 0 <= x1 < x2 <= spec['width']
            assert 0 <= y1 < y2 <= spec['height']


@pytest.mark.parametrize('args,message', [
    (['--device', 'cuda'], '--device cuda: BlazePose (MediaPipe, LiteRT) '
     'runs on the CPU'),
    (['--data-root', ''], 'give --data-root or set AQA_DATA_DIR')])
def test_refused_options(args, message, capsys):
    with pytest.raises(SystemExit):
        bench.main(args)
    assert message in capsys.readouterr().err
