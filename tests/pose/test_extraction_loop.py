import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from aqa_mm.pose import PoseExtractor, VideoItem, run_extraction
from tests.pose.conftest import StubEstimator

ROOT = Path(__file__).resolve().parents[2]


def _whole(estimator):
    """The extractor with the whole frame as the box (no athlete search)."""
    return PoseExtractor(estimator, whole_frame=True)


def _items(*paths):
    return [VideoItem(str(p), Path(p).stem) for p in paths]


def _bad_files(tmp_path):
    (tmp_path / 'junk.mp4').write_bytes(np.random.default_rng(0).bytes(4000))
    (tmp_path / 'notes.txt').write_text('no video here\n')
    (tmp_path / 'empty.mp4').write_bytes(b'')
    return [tmp_path / n for n in ('junk.mp4', 'notes.txt', 'empty.mp4')]


def test_bad_videos_are_listed_and_the_rest_is_processed(tmp_path,
                                                         make_video):
    good = [make_video('a.mp4', 5), make_video('z.mp4', 3)]
    blank = make_video('blank.mp4', 4, all_blank=True)
    items = _items(good[0], *_bad_files(tmp_path), blank, good[1])
    out, failures, logs = tmp_path / 'out', tmp_path / 'out' / 'f.txt', []
    summary = run_extraction(items, str(out), _whole(StubEstimator()),
                             str(failures), progress=False, log=logs.append)
    assert summary.done == 2 and summary.frames == 8
    assert sorted(p.name for p in out.glob('*.pkl')) == ['a.pkl', 'z.pkl']
    lines = failures.read_text().splitlines()
    reasons = dict(line.split('\t') for line in lines)
    assert set(reasons) == {it.path for it in items[1:5]}
    assert 'empty file' in reasons[str(tmp_path / 'empty.mp4')]
    assert 'no person' in reasons[str(blank)]
    assert all(reasons.values())
    assert len(summary.failed) == 4 and len(logs) == 4


def test_rerun_skips_finished_videos(tmp_path, make_video):
    items = _items(make_video('a.mp4', 4), make_video('b.mp4', 4))
    out, failures = tmp_path / 'out', str(tmp_path / 'f.txt')
    run_extraction(items[:1], str(out), _whole(StubEstimator()),
                   failures, progress=False)
    first = (out / 'a.pkl').stat().st_mtime_ns
    stub, logs = StubEstimator(), []
    time.sleep(0.01)
    summary = run_extraction(items, str(out), _whole(stub), failures,
                             progress=False, log=logs.append)
    assert (summary.skipped, summary.done) == (1, 1)
    assert (out / 'a.pkl').stat().st_mtime_ns == first
    assert len(stub.boxes) == 4  # only b.mp4 went through the model
    assert logs == ['1 of 2 videos already done (pose file exists), '
                    'skipping them']
    assert Path(failures).read_text() == ''


def test_error_mid_video_leaves_no_partial_output(tmp_path, make_video):
    items = _items(make_video('a.mp4', 6))
    out, failures = tmp_path / 'out', str(tmp_path / 'f.txt')
    run_extraction(items, str(out), PoseExtractor(
        StubEstimator(fail_after=1), batch_size=2), failures, visualize=True,
        progress=False, log=lambda m: None)
    assert [p.name for p in out.rglob('*') if p.is_file()] == []
    assert 'stub failure' in Path(failures).read_text()
    run_extraction(items, str(out), _whole(StubEstimator()), failures,
                   visualize=True, progress=False)
    names = sorted(str(p.relative_to(out)) for p in out.rglob('*')
                   if p.is_file())
    assert names == ['a.pkl', 'vis/a.mp4']


KILLED_RUN = '''
import sys, time
from aqa_mm.pose import PoseExtractor, VideoItem, run_extraction
from tests.pose.conftest import StubEstimator

class Slow(StubEstimator):
    def __call__(self, frames, boxes):
        time.sleep(0.2)
        return super().__call__(frames, boxes)

items = [VideoItem(p, p.rsplit('/', 1)[1][:-4]) for p in sys.argv[2:]]
run_extraction(items, sys.argv[1], PoseExtractor(Slow(), batch_size=1,
                                                whole_frame=True),
               sys.argv[1] + '/f.txt', visualize=True, progress=False)
'''


def test_killed_run_resumes_without_corrupt_outputs(tmp_path, make_video):
    videos = [str(make_video(f'{n}.mp4', 8)) for n in 'abc']
    out = tmp_path / 'out'
    proc = subprocess.Popen([sys.executable, '-c', KILLED_RUN, str(out),
                             *videos], cwd=ROOT,
                            env=dict(os.environ, OMP_NUM_THREADS='1'))
    deadline = time.time() + 120
    while not (out / 'a.pkl').exists() and time.time() < deadline:
        assert proc.poll() is None, 'worker exited early'
        time.sleep(0.05)
    time.sleep(0.5)  # now inside b.mp4
    proc.kill()
    proc.wait()
    assert (out / 'a.pkl').exists() and not (out / 'c.pkl').exists()
    assert list(out.rglob('.b.*tmp*')), 'the kill left no partial file'
    summary = run_extraction(
        [VideoItem(v, Path(v).stem) for v in videos], str(out),
        _whole(StubEstimator()), str(out / 'f.txt'), visualize=True,
        progress=False)
    assert summary.skipped >= 1 and not summary.failed
    files = sorted(str(p.relative_to(out)) for p in out.rglob('*')
                   if p.is_file())
    assert files == ['a.pkl', 'b.pkl', 'c.pkl', 'f.txt', 'vis/a.mp4',
                     'vis/b.mp4', 'vis/c.mp4']
    for name in 'abc':
        rec = pickle.loads((out / f'{name}.pkl').read_bytes())
        assert rec['total_frames'] == 8
