"""tools/demo.py on the real video ($AQA_DATA_DIR/videos), with BlazePose
(no HRNet checkpoint) or random-weight HRNet, and a 2M-AF of
configs/2maf/2maf_synthetic.py saved in the test."""
import importlib.util
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from aqa_mm.apis import init_aqa_model

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / 'configs' / '2maf' / '2maf_synthetic.py')


@pytest.fixture(scope='module')
def demo():
    spec = importlib.util.spec_from_file_location('demo', ROOT / 'tools' /
                                                  'demo.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield module
    torch.set_num_threads(before)


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    """The synthetic 2M-AF, random weights (no stream checkpoints needed),
    saved whole; the demo must load it without the config's init files."""
    model = init_aqa_model(CONFIG, cfg_options={
        'model.skeleton_backbone.init_cfg': None})
    path = tmp_path_factory.mktemp('demo_ckpt') / '2maf.pth'
    torch.save(dict(state_dict=model.state_dict()), path)
    return str(path)


def test_demo_scores_the_real_video_and_writes_an_overlay(
        demo, checkpoint, real_data_dir, tmp_path, capsys):
    video = real_data_dir / 'videos' / 'demo_skeleton.mp4'
    out, js = tmp_path / 'out' / 'demo.mp4', tmp_path / 'demo.json'
    assert demo.main([str(video), '--config', CONFIG, '--checkpoint',
                      checkpoint, '--random-weights', '--max-frames', '16',
                      '--out-video', str(out), '--out-json', str(js),
                      '--kpt-thr', '0']) == 0
    printed = capsys.readouterr().out
    result = json.loads(js.read_text())
    assert result['frames'] == 16
    assert set(result['stream_scores']) == {'skeleton', 'rgb'}
    assert result['stream'] in ('skeleton', 'rgb')
    assert result['score'] == result['stream_scores'][result['stream']]
    assert f"score {result['score']:.2f}" in printed
    assert '<- chosen' in printed
    # the overlay: 16 full-size frames, text and skeleton drawn, no temp files
    cap = cv2.VideoCapture(str(out))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    assert len(frames) == 16 and frames[0].shape == (1080, 1920, 3)
    raw = cv2.VideoCapture(str(video)).read()[1]
    diff = np.abs(frames[0].astype(int) - raw.astype(int)).sum(-1) > 100
    assert diff[:120, :900].mean() > 0.01   # the score text, top left
    assert [p.name for p in out.parent.iterdir()] == ['demo.mp4']


def _frames(path):
    cap, frames = cv2.VideoCapture(str(path)), []
    while True:
        ok, frame = cap.read()
        if not ok:
            return frames
        frames.append(frame)


def test_demo_without_pose_weights_uses_blazepose_and_draws_it(
        demo, checkpoint, real_data_dir, tmp_path, capsys):
    video = real_data_dir / 'videos' / 'demo_skeleton.mp4'
    out, js = tmp_path / 'demo.mp4', tmp_path / 'demo.json'
    assert demo.main([str(video), '--config', CONFIG, '--checkpoint',
                      checkpoint, '--max-frames', '16', '--out-video',
                      str(out), '--out-json', str(js)]) == 0
    printed = capsys.readouterr().out
    assert 'demo.py: pose backend: blazepose (MediaPipe BlazePose' in printed
    pose = json.loads(js.read_text())['pose']
    assert pose['backend'] == 'blazepose'
    assert pose['frames_with_person'] == 16
    assert 0.5 < pose['mean_keypoint_score'] <= 1  # visibilities
    assert pose['median_confident_joints'] >= 12
    # the skeleton: COCO's green left-side links, on the man in black
    # (x 900-1150), absent from the raw frames
    frames, raw = _frames(out), _frames(video)[:16]
    assert len(frames) == 16

    def green(img):
        b, g, r = (img[150:1000, 850:1200, i].astype(int) for i in range(3))
        return (g > 180) & (r < 120) & (b < 120)
    assert green(frames[4]).sum() > 200 and green(raw[4]).sum() < 20


def test_demo_refusals_name_the_problem(demo, checkpoint, real_data_dir,
                                        tmp_path, capsys):
    video = str(real_data_dir / 'videos' / 'demo_skeleton.mp4')
    with pytest.raises(SystemExit) as info:
        demo.main([video, '--config', CONFIG, '--checkpoint', checkpoint,
                   '--pose-backend', 'hrnet'])
    assert info.value.code == 2
    assert 'no --pose-checkpoint' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        demo.main([video, '--config', CONFIG, '--checkpoint', checkpoint,
                   '--pose-backend', 'blazepose', '--random-weights'])
    assert 'are HRNet options' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        demo.main([str(tmp_path / 'nope.mp4'), '--config', CONFIG,
                   '--random-weights'])
    assert 'video not found' in capsys.readouterr().err
    broken = tmp_path / 'broken.mp4'
    broken.write_bytes(np.random.default_rng(0).bytes(999))
    with pytest.raises(SystemExit):
        demo.main([str(broken), '--config', CONFIG, '--checkpoint',
                   checkpoint, '--random-weights'])
    assert 'broken.mp4' in capsys.readouterr().err


def test_demo_warns_and_reports_the_rgb_stream(demo, checkpoint,
                                               real_data_dir, tmp_path,
                                               capsys):
    """A model trained on a synthetic set, on a real video: WARNING lines
    in the console, the JSON and the video; the RGB stream's weights and
    the Kinetics-400 top-5 are reported."""
    import pickle

    from aqa_mm.analysis.kinetics import kinetics400_labels
    from tests.conftest import make_annotations
    content = make_annotations()
    content['metainfo'] = dict(synthetic=True, dataset_name='toy')
    ann = tmp_path / 'toy.pkl'
    ann.write_bytes(pickle.dumps(content))
    video = real_data_dir / 'videos' / 'demo_skeleton.mp4'
    js = tmp_path / 'demo.json'
    assert demo.main([str(video), '--config', CONFIG, '--checkpoint',
                      checkpoint, '--max-frames', '16', '--out-json',
                      str(js), '--cfg-options',
                      f'train_dataloader.dataset.ann_file={ann}']) == 0
    printed = capsys.readouterr().out
    result = json.loads(js.read_text())
    assert any('SYNTHETIC' in w and str(ann) in w
               for w in result['warnings'])
    for warning in result['warnings']:
        assert f'demo.py: WARNING: {warning}' in printed
    # a score outside the toy training range (+5 % of it) is flagged
    train = set(content['split']['train'])
    scores = [a['score'] for a in content['annotations']
              if a['frame_dir'] in train]
    slack = 0.05 * (max(scores) - min(scores))
    outside = not min(scores) - slack <= result['score'] <= max(scores) + slack
    assert outside == any(w.startswith("predicted score")
                          for w in result["warnings"]), (
        result, min(scores), max(scores))
    # the checkpoint holds the RGB weights (saved whole by the fixture)
    assert result['rgb_weights'].startswith('the assessor checkpoint')
    assert 'demo.py: RGB stream: I3D, weights from' in printed
    top = result['kinetics_top_k']
    assert len(top) == 5 and all(c['label'] in kinetics400_labels()
                                 for c in top)
    probs = [c['probability'] for c in top]
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1
    assert 'demo.py: Kinetics-400 I3D sees: ' + top[0]['label'] in printed
    # without --kinetics-top-k the I3D pass is skipped
    assert demo.main([str(video), '--config', CONFIG, '--checkpoint',
                      checkpoint, '--max-frames', '16', '--out-json',
                      str(js), '--kinetics-top-k', '0']) == 0
    assert json.loads(js.read_text())['kinetics_top_k'] is None
