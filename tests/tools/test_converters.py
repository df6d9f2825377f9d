"""The converter command lines (tools/data/<dataset>/convert_*.py) on the
REAL split and score files with fake media: reports, one-line errors,
--skip-missing."""
import importlib.util
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from tests.datasets.converters.fake_data import (make_aqa7_media, make_mmfs,
                                                 make_mtl_aqa_poses,
                                                 make_unlv_media)

ROOT = Path(__file__).resolve().parents[2]


def _tool(dataset, name):
    path = ROOT / 'tools' / 'data' / dataset / f'{name}.py'
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


@pytest.fixture
def aqa7_media(real_data_dir, tmp_path):
    root, poses = make_aqa7_media(real_data_dir / 'aqa7', tmp_path)
    return real_data_dir / 'aqa7', root, poses


def test_aqa7_cli(aqa7_media, tmp_path, capsys):
    split_dir, root, poses = aqa7_media
    out = tmp_path / 'aqa7.pkl'
    _tool('aqa7', 'convert_aqa7')([str(root), str(poses), str(out),
                                   '--split-dir', str(split_dir)])
    assert capsys.readouterr().out.startswith(
        f'wrote {out} (train 803, test 303)')
    assert len(pickle.loads(out.read_bytes())['annotations']) == 1106


def test_aqa7_cli_missing_stops_with_one_line(aqa7_media, tmp_path):
    """A real process: exit status 2 and a one-line error, no traceback."""
    split_dir, root, poses = aqa7_media
    (poses / 'ski_big_air' / '002.pkl').unlink()
    out = tmp_path / 'aqa7.pkl'
    proc = subprocess.run(
        [sys.executable, 'tools/data/aqa7/convert_aqa7.py', str(root),
         str(poses), str(out), '--split-dir', str(split_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = [ln for ln in proc.stderr.splitlines()
             if ln.startswith('convert_aqa7.py: error:')]
    assert len(lines) == 1, proc.stderr[-2000:]
    assert 'error: 1 of 1106 annotated samples have a missing or ' \
        'unreadable video/skeleton' in lines[0]
    assert 'ski_big_air_002: skeleton' in lines[0]
    assert 'Traceback' not in proc.stderr and not out.exists()


def test_aqa7_cli_skip_missing_and_ranges(aqa7_media, tmp_path, capsys):
    split_dir, root, poses = aqa7_media
    (root / 'Actions' / 'diving' / '054.avi').unlink()
    out = tmp_path / 'aqa7.pkl'
    _tool('aqa7', 'convert_aqa7')([
        str(root), str(poses), str(out), '--split-dir', str(split_dir),
        '--skip-missing', '--score-range', 'gym_vault=13,17'])
    report = capsys.readouterr().out
    assert '(train 802, test 303)' in report
    assert 'skipped 1 sample(s)' in report and 'diving_054: video' in report
    assert "3 score(s) outside their class's range" in report
    with pytest.raises(SystemExit) as exc:
        _tool('aqa7', 'convert_aqa7')([
            str(root), str(poses), str(out), '--split-dir', str(split_dir),
            '--score-range', 'vault=13,17'])
    assert exc.value.code == 2
    assert "unknown class 'vault'" in capsys.readouterr().err


def test_unlv_dive_cli(real_data_dir, tmp_path, capsys):
    root, poses = make_unlv_media(tmp_path, indices=range(1, 370))
    out = tmp_path / 'unlv.pkl'
    main = _tool('unlv_dive', 'convert_unlv_dive')
    args = [str(root), str(poses), str(out), '--split-dir',
            str(real_data_dir / 'aqa7'), '--score-dir',
            str(real_data_dir / 'unlv_dive')]
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert 'error: 1 of 370 annotated samples' in err and 'diving_370' in err
    main(args + ['--skip-missing', '--label', 'overall'])
    report = capsys.readouterr().out
    assert 'skipped 1 sample(s)' in report
    ann = pickle.loads(out.read_bytes())
    assert ann['metainfo']['score_label'] == 'overall'
    assert sum(map(len, ann['split'].values())) == 369


def test_mmfs63_cli(tmp_path, capsys):
    skel = make_mmfs(tmp_path / 'mmfs')
    out = tmp_path / 'mmfs.pkl'
    main = _tool('mmfs63', 'convert_mmfs63')
    main([str(skel), str(out), '--img-shape', '720', '1280'])
    report = capsys.readouterr().out
    assert report.startswith(f'wrote {out} (train 7, test 3)')
    ann = pickle.loads(out.read_bytes())
    assert ann['annotations'][0]['img_shape'] == (720, 1280)
    with pytest.raises(SystemExit):
        main([str(tmp_path / 'nowhere'), str(out)])
    assert 'train_data.pkl not found' in capsys.readouterr().err


def test_mtl_aqa_cli(real_data_dir, tmp_path, capsys):
    anno_dir = real_data_dir / 'mtl_aqa'
    poses = make_mtl_aqa_poses(anno_dir, tmp_path, skip=['26_124'])
    out = tmp_path / 'mtl.pkl'
    main = _tool('mtl_aqa', 'convert_mtl_aqa')
    args = [str(anno_dir), str(poses), str(out)]
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert 'error: 1 of 1412 annotated samples' in err and '26_124' in err
    assert not out.exists()
    main(args + ['--skip-missing', '--label', 'execution',
                 '--score-range', '10,30'])
    report = capsys.readouterr().out
    assert report.startswith(f'wrote {out} (train ')
    assert 'skipped 1 sample(s)' in report
    assert "outside their class's range" in report  # failed dives score 0
    ann = pickle.loads(out.read_bytes())
    assert ann['metainfo']['score_label'] == 'execution'
    assert sum(map(len, ann['split'].values())) == 1411


def test_mtl_aqa_dive_list_cli(real_data_dir, tmp_path, capsys):
    out = tmp_path / 'dives.csv'
    main = _tool('mtl_aqa', 'make_dive_list')
    main([str(real_data_dir / 'mtl_aqa'), str(tmp_path / 'frames'), str(out),
          '--layout', 'frames'])
    assert capsys.readouterr().out == \
        f'wrote {out} (1412 dives, layout frames)\n'
    assert out.read_text().splitlines()[1] == \
        f'{tmp_path / "frames" / "01"},7376,7461,01_01'
    with pytest.raises(SystemExit) as exc:
        main([str(tmp_path / 'nowhere'), str(tmp_path), str(out)])
    assert exc.value.code == 2
    assert 'final_annotations_dict.pkl not found' in capsys.readouterr().err


def test_mtl_aqa_cut_dives_cli(tmp_path, capsys):
    from tests.pose.conftest import person_frames, write_video
    write_video(tmp_path / 'event.mp4', person_frames(12))
    dives = tmp_path / 'dives.csv'
    dives.write_text('path,start,end,id\nevent.mp4,2,9,01_01\n'
                     'event.mp4,10,14,01_02\n')
    main = _tool('mtl_aqa', 'cut_dives')
    assert main([str(dives), str(tmp_path / 'clips'), '--fps', '30']) == 1
    out = capsys.readouterr()
    assert out.out == 'cut_dives.py: 1 written, 0 already there, 1 failed\n'
    assert out.err.startswith('FAILED 01_02: frame range 10..14 ends past')
    import cv2
    cap = cv2.VideoCapture(str(tmp_path / 'clips' / '01_01.mp4'))
    assert cap.get(cv2.CAP_PROP_FPS) == 30
    assert cap.get(cv2.CAP_PROP_FRAME_COUNT) == 8
    cap.release()
