"""tools/extract_pose.py and tools/merge_poses.py, run in-process (their
``main(argv)``) on the real video, random weights, CPU."""
import importlib.util
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from aqa_mm.datasets import AQADataset
from tests.pose.conftest import person_frames, write_video

ROOT = Path(__file__).resolve().parents[2]


def _tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / 'tools' /
                                                  f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def extract_pose():
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # see tests/pose/conftest.py
    yield _tool('extract_pose')
    torch.set_num_threads(before)


RANDOM = ['--random-weights', '--min-person-score', '0', '--device', 'cpu',
          '--no-progress']


def test_hrnet_refuses_to_run_without_a_checkpoint(extract_pose, tmp_path,
                                                   capsys):
    with pytest.raises(SystemExit) as info:
        extract_pose.main([str(tmp_path), '--out-dir', str(tmp_path / 'o'),
                           '--pose-backend', 'hrnet'])
    assert info.value.code == 2
    assert 'no --pose-checkpoint' in capsys.readouterr().err


def test_blazepose_without_a_checkpoint(extract_pose, real_data_dir,
                                        tmp_path, capsys):
    """No HRNet weights: BlazePose, said in one line; the real video gets
    real keypoints, a video without a person fails, a rerun resumes."""
    real = real_data_dir / 'videos' / 'demo_skeleton.mp4'
    synth = write_video(tmp_path / 'synth.mp4', person_frames(4))
    lst = tmp_path / 'videos.txt'
    lst.write_text(f'{real}\n{synth}\n')
    out = tmp_path / 'poses'
    argv = [str(lst), '--out-dir', str(out), '--max-frames', '6',
            '--visualize', '--no-progress', '--device', 'cuda']
    assert extract_pose.main(argv) == 1  # the box of synth.mp4 is no person
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if 'pose backend:' in line] \
        == ['extract_pose.py: pose backend: blazepose (MediaPipe BlazePose, '
            'COCO-17 from its 33 landmarks, CPU only: MediaPipe does not run '
            'on cuda; HRNet: --pose-backend hrnet --pose-checkpoint '
            'PATH_OR_URL)']
    assert 'GetPrototype' not in err and 'Feedback manager' not in err
    assert (out / 'failures.txt').read_text().startswith(f'{synth}\tno person')
    rec = pickle.loads((out / 'demo_skeleton.pkl').read_bytes())
    assert rec['keypoint'].shape == (1, 6, 17, 2)
    scores = rec['keypoint_score'][0]
    assert (scores.max(1) > 0.9).all() and scores.std() > 0
    head = rec['keypoint'][0, :, 0]  # the nose, in pixels of 1920 x 1080
    assert ((head > 0) & (head < (1920, 1080))).all()
    assert (out / 'vis' / 'demo_skeleton.mp4').is_file()
    assert extract_pose.main(argv) == 1
    assert '1 of 2 videos already done' in capsys.readouterr().err


def _refused(extract_pose, tmp_path, capsys, *options) -> str:
    """Run the tool on a folder with one file and these options; it must
    exit with status 2. Returns its stderr."""
    (tmp_path / 'v.mp4').write_bytes(b'x')
    with pytest.raises(SystemExit) as info:
        extract_pose.main([str(tmp_path), '--out-dir', str(tmp_path / 'o'),
                           *options, *RANDOM])
    assert info.value.code == 2
    return capsys.readouterr().err


def test_detector_options_need_mmdet(extract_pose, tmp_path, capsys):
    err = _refused(extract_pose, tmp_path, capsys, '--det-checkpoint',
                   'det.pth')
    assert 'need mmdet' in err


@pytest.mark.parametrize('extra,message', [
    ([], '--det-model needs --det-checkpoint'),
    (['--det-checkpoint', 'det.pth', '--det-config', 'c.py'],
     'exclude each other'),
    (['--det-checkpoint', 'det.pth'], None)])
def test_torchvision_detector_options(extract_pose, tmp_path, capsys, extra,
                                      message):
    """``--det-model``: torchvision's detector; bad combinations, a missing
    torchvision or a missing checkpoint are one line, exit 2."""
    err = _refused(extract_pose, tmp_path, capsys, '--det-model',
                   'fasterrcnn_resnet50_fpn_v2', *extra).strip().splitlines()
    assert len(err) == 1
    if message:
        assert message in err[0]
    else:  # no torchvision here, or det.pth is missing: named either way
        assert 'torchvision' in err[0] or 'det.pth' in err[0]


def test_extract_merge_and_rerun(extract_pose, real_data_dir, tmp_path,
                                 capsys):
    real = real_data_dir / 'videos' / 'demo_skeleton.mp4'
    synth = write_video(tmp_path / 'synth.mp4', person_frames(4))
    (tmp_path / 'broken.mp4').write_bytes(np.random.default_rng(0).bytes(999))
    (tmp_path / 'readme.txt').write_text('not a video')
    lst = tmp_path / 'videos.txt'
    lst.write_text(f'{real}\nsynth.mp4\nbroken.mp4\nreadme.txt\n')
    out = tmp_path / 'poses'
    argv = [str(lst), '--out-dir', str(out), '--max-frames', '4',
            '--batch-size', '4', '--visualize', *RANDOM]
    assert extract_pose.main(argv) == 1  # something failed
    failures = (out / 'failures.txt').read_text().splitlines()
    assert sorted(line.split('\t')[0] for line in failures) == [
        str(tmp_path / 'broken.mp4'), str(tmp_path / 'readme.txt')]
    assert all(line.split('\t')[1] for line in failures)

    rec = pickle.loads((out / 'demo_skeleton.pkl').read_bytes())
    assert rec['keypoint'].shape == (1, 4, 17, 2)
    assert rec['img_shape'] == (1080, 1920)
    small = pickle.loads((out / 'synth.pkl').read_bytes())
    assert small['total_frames'] == 4 and small['img_shape'] == (64, 96)
    assert (out / 'vis' / 'synth.mp4').is_file()
    capsys.readouterr()

    # rerun: finished videos are skipped, failed ones retried
    mtime = (out / 'synth.pkl').stat().st_mtime_ns
    assert extract_pose.main(argv) == 1
    assert '2 of 4 videos already done' in capsys.readouterr().err
    assert (out / 'synth.pkl').stat().st_mtime_ns == mtime

    table = tmp_path / 'samples.json'
    table.write_text(json.dumps({
        'demo_skeleton': dict(split='train', score=80.5, class_id=0),
        'synth': dict(split='test', score=61.0, class_id=0)}))
    ann = tmp_path / 'ann.pkl'
    assert _tool('merge_poses').main([str(out), '--out', str(ann),
                                      '--samples', str(table)]) == 0
    ds = AQADataset(str(ann), pipeline=[], split='train')
    assert ds.get_data_info(0)['keypoint'].shape == (1, 4, 17, 2)
    from mmaction.datasets import PoseDataset
    assert len(PoseDataset(str(ann), pipeline=[], split='test')) == 1


def test_shards_split_the_list(extract_pose, tmp_path):
    (tmp_path / 'in').mkdir()
    for name in 'abc':
        write_video(tmp_path / 'in' / f'{name}.mp4', person_frames(2))
    out = tmp_path / 'out'
    for shard in ('0/2', '1/2'):
        assert extract_pose.main([str(tmp_path / 'in'), '--out-dir',
                                  str(out), '--shard', shard,
                                  '--max-frames', '1', *RANDOM]) == 0
    assert sorted(p.name for p in out.glob('*.pkl')) == [
        'a.pkl', 'b.pkl', 'c.pkl']
    assert sorted(p.name for p in out.glob('failures*')) == [
        'failures.shard-0-of-2.txt', 'failures.shard-1-of-2.txt']


def test_torchrun_rank_picks_the_shard(extract_pose, monkeypatch):
    args = extract_pose.parse_args(['v', '--out-dir', 'o'])
    assert extract_pose.get_shard(args) == (0, 1)
    monkeypatch.setenv('RANK', '3')
    monkeypatch.setenv('WORLD_SIZE', '4')
    monkeypatch.setenv('LOCAL_RANK', '1')
    assert extract_pose.get_shard(args) == (3, 4)
    assert extract_pose.get_device('cuda') == 'cuda:1'
    assert extract_pose.get_failures_file(args, (3, 4)) == \
        'o/failures.shard-3-of-4.txt'
    args = extract_pose.parse_args(['v', '--out-dir', 'o', '--shard', '1/2'])
    assert extract_pose.get_shard(args) == (1, 2)


def test_athlete_box_must_be_four_numbers(extract_pose, tmp_path, capsys):
    err = _refused(extract_pose, tmp_path, capsys, '--athlete-box',
                   '10,20,5')
    assert '--athlete-box: expected x1 y1 x2 y2' in err
