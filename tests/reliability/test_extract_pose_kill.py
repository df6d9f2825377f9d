"""tools/extract_pose.py (HRNet, random weights, CPU) on the real video:
``kill -9`` in the middle of the video leaves no output that looks
finished, and the rerun writes complete, readable results.

The extraction loop itself is also tested with a stub estimator in
tests/pose/test_extraction_loop.py::
test_killed_run_resumes_without_corrupt_outputs;
this test runs the real tool, model and video reader."""
import os
import pickle
import signal
import subprocess
import sys
import time

import cv2
import pytest

from .conftest import ROOT, env

FRAMES = 6


@pytest.mark.slow
def test_kill_9_mid_video_then_rerun(real_data_dir, tmp_path):
    video = real_data_dir / 'videos' / 'demo_skeleton.mp4'
    out = tmp_path / 'poses'
    args = [sys.executable, 'tools/extract_pose.py', str(video), '--out-dir',
            str(out), '--max-frames', str(FRAMES), '--batch-size', '1',
            '--visualize', '--random-weights', '--min-person-score', '0',
            '--device', 'cpu', '--no-progress']
    proc = subprocess.Popen(args, cwd=ROOT, env=env(),
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 120
    try:
        # the overlay video is written to a temporary file frame by frame:
        # once it exists, the tool is inside the video
        while not list(out.rglob('.*tmp*')):
            assert proc.poll() is None, 'extraction ended before the kill'
            assert time.time() < deadline, 'no temporary output after 120 s'
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert not (out / 'demo_skeleton.pkl').exists()
    assert not (out / 'vis' / 'demo_skeleton.mp4').exists()

    rerun = subprocess.run(args, cwd=ROOT, env=env(), capture_output=True,
                           text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert '1 extracted, 0 already done, 0 failed' in (rerun.stdout +
                                                       rerun.stderr)
    files = sorted(str(p.relative_to(out)) for p in out.rglob('*')
                   if p.is_file())
    assert files == ['demo_skeleton.pkl', 'failures.txt',
                     'vis/demo_skeleton.mp4'], files
    rec = pickle.loads((out / 'demo_skeleton.pkl').read_bytes())
    assert rec['total_frames'] == FRAMES
    assert rec['keypoint'].shape == (1, FRAMES, 17, 2)
    cap = cv2.VideoCapture(str(out / 'vis' / 'demo_skeleton.mp4'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == FRAMES
    cap.release()
