"""Tests of the SYNTHETIC procedural AQA dataset generator."""
import pickle
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

from aqa_mm.datasets.synthetic.builder import (ANNOTATION_FILE, build_dataset,
                                               stratified_split)
from aqa_mm.datasets.synthetic.errors import ERROR_NAMES
from aqa_mm.datasets.synthetic.kinematics import segment_lengths
from aqa_mm.datasets.synthetic.performance import (CLASS_NAMES,
                                                   generate_performance)
from aqa_mm.datasets.synthetic.scoring import (SCORE_SPECS,
                                               execution_quality, judge_score)

NUM, T, SIZE = 3, 16, 64
CLI = (Path(__file__).resolve().parents[3] / 'tools' / 'data' / 'synthetic'
       / 'generate_synthetic.py')
ANN_KEYS = {'frame_dir', 'total_frames', 'img_shape', 'original_shape',
            'keypoint', 'keypoint_score', 'score', 'class_id', 'class_name',
            'difficulty', 'video', 'pose_file', 'errors'}
POSE_KEYS = {'frame_dir', 'total_frames', 'img_shape', 'original_shape',
             'keypoint', 'keypoint_score', 'boxes'}
CLEAN = dict.fromkeys(ERROR_NAMES, 0.0)


def _load(path: Path) -> dict:
    with open(path, 'rb') as f:
        return pickle.load(f)


@pytest.fixture(scope='module')
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp('synthetic')
    summary = build_dataset(out, seed=0, num_per_class=NUM, frames=T,
                            img_size=SIZE)
    return out, summary, _load(out / ANNOTATION_FILE)


def test_layout_readme_and_synthetic_flag(built):
    out, summary, ann = built
    n = NUM * len(CLASS_NAMES)
    assert summary['num_samples'] == n
    assert len(list((out / 'videos').glob('*.mp4'))) == n
    assert len(list((out / 'poses').glob('*.pkl'))) == n
    first = (out / 'README.md').read_text().splitlines()[0]
    assert 'SYNTHETIC' in first and 'procedural' in first
    meta = ann['metainfo']
    assert meta['synthetic'] is True
    assert meta['dataset_name'] == 'synthetic_aqa'
    assert meta['classes'] == list(CLASS_NAMES)
    assert meta['keypoint_layout'] == 'coco'
    assert meta['seed'] == 0 and isinstance(meta['fps'], int)
    assert set(meta['score_ranges']) == set(range(len(CLASS_NAMES)))
    assert not list(out.rglob('*.tmp*'))  # no temporary files left


def test_annotation_keys_shapes_dtypes(built):
    out, _, ann = built
    ids = [a['frame_dir'] for a in ann['annotations']]
    assert len(set(ids)) == len(ids)
    for a in ann['annotations']:
        assert set(a) == ANN_KEYS
        assert a['total_frames'] == T
        assert a['img_shape'] == a['original_shape'] == (SIZE, SIZE)
        assert a['keypoint'].dtype == np.float32
        assert a['keypoint'].shape == (1, T, 17, 2)
        assert a['keypoint_score'].dtype == np.float32
        assert a['keypoint_score'].shape == (1, T, 17)
        score = a['keypoint_score']
        assert 0.0 <= score.min() <= score.max() <= 1.0
        assert type(a['score']) is float and np.isfinite(a['score'])
        assert type(a['class_id']) is int
        assert a['class_name'] == CLASS_NAMES[a['class_id']]
        assert a['frame_dir'].startswith(a['class_name'] + '_')
        assert a['difficulty'] is None or type(a['difficulty']) is float
        assert a['video'] == f"videos/{a['frame_dir']}.mp4"
        assert a['pose_file'] == f"poses/{a['frame_dir']}.pkl"
        assert set(a['errors']) == set(ERROR_NAMES)
        assert all(0.0 <= v <= 1.0 for v in a['errors'].values())
        # the performer stays (nearly) inside the frame
        kp = a['keypoint']
        assert kp.min() > -2 and kp.max() < SIZE + 2


def test_pose_files_match_annotations(built):
    out, _, ann = built
    for a in ann['annotations']:
        pose = _load(out / a['pose_file'])
        assert set(pose) == POSE_KEYS
        assert pose['frame_dir'] == a['frame_dir']
        assert pose['total_frames'] == T
        np.testing.assert_array_equal(pose['keypoint'], a['keypoint'])
        np.testing.assert_array_equal(pose['keypoint_score'],
                                      a['keypoint_score'])
        boxes = pose['boxes']
        assert boxes.dtype == np.float32 and boxes.shape == (1, T, 4)
        assert np.all(boxes[..., 2] > boxes[..., 0])
        assert np.all(boxes[..., 3] > boxes[..., 1])
        inside = ((a['keypoint'][..., 0] >= boxes[..., None, 0] - 1)
                  & (a['keypoint'][..., 0] <= boxes[..., None, 2] + 1)
                  & (a['keypoint'][..., 1] >= boxes[..., None, 1] - 1)
                  & (a['keypoint'][..., 1] <= boxes[..., None, 3] + 1))
        assert inside.mean() > 0.99


def test_video_frame_count_matches_decord(built):
    decord = pytest.importorskip('decord')
    out, _, ann = built
    for a in ann['annotations']:
        reader = decord.VideoReader(str(out / a['video']))
        assert len(reader) == a['total_frames']
        frame = reader[0].asnumpy()
        assert frame.shape == (SIZE, SIZE, 3)
        assert frame.std() > 5  # a figure is drawn on the background


def test_split_disjoint_covering_stratified(built):
    _, _, ann = built
    train, test = set(ann['split']['train']), set(ann['split']['test'])
    ids = {a['frame_dir'] for a in ann['annotations']}
    assert not train & test
    assert train | test == ids
    test_classes = {a['class_id'] for a in ann['annotations']
                    if a['frame_dir'] in test}
    assert test_classes == set(range(len(CLASS_NAMES)))
    again = stratified_split([a['class_id'] for a in ann['annotations']],
                             [a['frame_dir'] for a in ann['annotations']],
                             0.25, 0)
    assert again == ann['split']


def test_deterministic_per_seed(built, tmp_path):
    out, _, ann = built
    build_dataset(tmp_path / 'same', seed=0, num_per_class=NUM, frames=T,
                  img_size=SIZE, write_video=False, workers=2)
    same = _load(tmp_path / 'same' / ANNOTATION_FILE)
    for a, b in zip(ann['annotations'], same['annotations']):
        assert a['keypoint'].tobytes() == b['keypoint'].tobytes()
        assert a['keypoint_score'].tobytes() == b['keypoint_score'].tobytes()
        assert a['score'] == b['score'] and a['errors'] == b['errors']
    assert same['split'] == ann['split']
    build_dataset(tmp_path / 'other', seed=1, num_per_class=NUM, frames=T,
                  img_size=SIZE, write_video=False)
    other = _load(tmp_path / 'other' / ANNOTATION_FILE)
    assert all(not np.array_equal(a['keypoint'], b['keypoint'])
               for a, b in zip(ann['annotations'], other['annotations']))
    assert [a['score'] for a in ann['annotations']] != \
        [b['score'] for b in other['annotations']]


def test_workers_give_byte_identical_annotation(tmp_path):
    for w in (1, 2):
        build_dataset(tmp_path / str(w), num_per_class=2, frames=T,
                      img_size=SIZE, write_video=False, workers=w)
    assert ((tmp_path / '1' / ANNOTATION_FILE).read_bytes()
            == (tmp_path / '2' / ANNOTATION_FILE).read_bytes())


def test_sample_does_not_depend_on_set_size():
    a = generate_performance(1, 2, seed=5, frames=T, img_size=SIZE)
    b = generate_performance(1, 2, seed=5, frames=T, img_size=SIZE)
    np.testing.assert_array_equal(a.keypoint, b.keypoint)
    assert a.score == b.score


@pytest.mark.parametrize('class_id', range(len(CLASS_NAMES)))
def test_score_decreases_with_each_severity(class_id):
    base = dict.fromkeys(ERROR_NAMES, 0.2)
    levels = np.linspace(0.0, 1.0, 6)
    for name in ERROR_NAMES:
        exact, judged, poses = [], [], []
        for level in levels:
            sev = dict(base, **{name: float(level)})
            exact.append(generate_performance(
                class_id, 4, 0, T, SIZE, severities=sev,
                judge_noise=False).score)
            perf = generate_performance(class_id, 4, 0, T, SIZE,
                                        severities=sev)
            judged.append(perf.score)
            poses.append(perf.world)
        assert np.all(np.diff(exact) < 0), (name, exact)
        assert np.all(np.diff(judged) <= 0), (name, judged)
        # the error is visible in the motion
        assert not np.allclose(poses[0], poses[-1]), name


def test_score_ranges_differ_between_classes(built):
    _, _, ann = built
    ranges = [SCORE_SPECS[n].score_range for n in CLASS_NAMES]
    assert len(set(ranges)) == len(ranges)
    assert ann['metainfo']['score_ranges'] == dict(enumerate(ranges))
    spans = sorted(hi - lo for lo, hi in ranges)
    assert spans[-1] > 10 * spans[0]  # e.g. dive ~20-100 vs vault ~12-17
    for a in ann['annotations']:
        lo, hi = ranges[a['class_id']]
        assert lo - 1e-6 <= a['score'] <= hi + 1e-6
    dive = SCORE_SPECS['pike_dive']
    assert judge_score(CLEAN, dive, 3.4) == pytest.approx(3.4 * 30.0)


def test_severities_are_spread():
    quality = [execution_quality(
        generate_performance(0, i, 0, T, SIZE).errors, SCORE_SPECS['jump'])
        for i in range(60)]
    assert max(quality) > 0.9 and min(quality) < 0.45


def test_limbs_are_rigid_and_motion_articulated():
    for cid in range(len(CLASS_NAMES)):
        perf = generate_performance(cid, 0, 0, T, SIZE)
        lengths = segment_lengths(perf.world)  # (T, 8)
        assert np.allclose(lengths, lengths[0], atol=1e-9)
        observed = segment_lengths(perf.keypoint[0])
        rel = observed.std(0) / observed.mean(0)
        assert rel.max() < 0.25
        # joints move relative to the pelvis (not a rigid translation)
        rel_pose = perf.world[:, :17] - perf.world[:, 11:13].mean(1,
                                                                 keepdims=True)
        assert rel_pose.std(axis=0).max() > 0.1


def _jump_world(**severities: float) -> np.ndarray:
    """(T, 19, 2) world points of one jump with the given errors."""
    return generate_performance(0, 1, 0, 64, 128,
                                severities=dict(CLEAN, **severities)).world


def test_errors_visible_in_skeleton():
    clean = _jump_world()
    # amplitude: lower flight (pelvis apex, body heights)
    top = _jump_world(amplitude=1.0)[:, 11:13, 1].mean(1).max()
    assert top < clean[:, 11:13, 1].mean(1).max() - 0.08

    def rough(w):
        return np.abs(np.diff(w[:, :17], 2, axis=0)).mean()
    assert rough(_jump_world(jitter=1.0)) > 1.5 * rough(clean)

    def lean(w):  # shoulders vs hips at the last frame
        return abs(w[-1, 5:7, 0].mean() - w[-1, 11:13, 0].mean())
    assert lean(_jump_world(balance=1.0)) > lean(clean) + 0.05

    def wrist_gap(w):  # left vs right wrist height
        return np.abs(w[:, 9, 1] - w[:, 10, 1]).mean()
    assert wrist_gap(_jump_world(asymmetry=1.0)) > wrist_gap(clean) + 0.02


@pytest.mark.parametrize('kwargs, name', [
    (dict(frames=1), 'frames'), (dict(num_per_class=0), 'num_per_class'),
    (dict(test_ratio=1.0), 'test_ratio'), (dict(img_size=8), 'img_size'),
    (dict(seed=-1), 'seed'), (dict(workers=0), 'workers')])
def test_bad_arguments_raise(tmp_path, kwargs, name):
    with pytest.raises(ValueError, match=name):
        build_dataset(tmp_path, **kwargs)
    assert not list(tmp_path.iterdir())  # nothing written


def test_cli(tmp_path, monkeypatch, capsys):
    out = tmp_path / 'cli'
    monkeypatch.setattr(sys, 'argv', [
        str(CLI), '--out-dir', str(out), '--num-per-class', '2',
        '--frames', '12', '--img-size', '48', '--no-video', '--seed', '3'])
    runpy.run_path(str(CLI), run_name='__main__')
    line = capsys.readouterr().out.strip()
    assert len(line.splitlines()) == 1 and 'SYNTHETIC' in line
    ann = _load(out / ANNOTATION_FILE)
    assert ann['metainfo']['seed'] == 3
    assert all(a['video'] is None for a in ann['annotations'])
    assert not (out / 'videos').exists()
    monkeypatch.setattr(sys, 'argv', [str(CLI), '--out-dir', str(out),
                                      '--frames', '1'])
    with pytest.raises(ValueError, match='frames'):
        runpy.run_path(str(CLI), run_name='__main__')
