"""Per-dive clips cut from generated whole-event videos and frame folders:
the clip holds exactly the dive's frames and DecordClips reads it."""
import cv2
import numpy as np
import pytest

from aqa_mm.datasets.converters.mtl_aqa_clips import cut_dive_clips
from aqa_mm.datasets.transforms import DecordClips
from aqa_mm.pose import VideoReader
from tests.pose.conftest import person_frames, write_video


def _frames(path, frame_range=None):
    return [f for b in VideoReader(str(path), frame_range=frame_range)
            for f in b]


@pytest.fixture
def sources(tmp_path):
    write_video(tmp_path / '01.mp4', person_frames(24, seed=1))
    folder = tmp_path / '02'
    folder.mkdir()
    for t, frame in enumerate(person_frames(24, seed=2)):
        cv2.imwrite(str(folder / f'{t + 1:06d}.jpg'), frame)
    dives = tmp_path / 'dives.csv'
    dives.write_text('path,start,end,id\n01.mp4,3,20,01_01\n'
                     '02,0,17,02_01\n01.mp4,20,30,01_02\n')
    return tmp_path, dives


def test_clips_hold_the_dive_frames(sources):
    root, dives = sources
    out = root / 'dives'
    summary = cut_dive_clips(str(dives), str(out))
    assert (summary.written, summary.skipped) == (2, 0)
    assert summary.failed == [('01_02', 'frame range 20..30 ends past the '
                               'last frame (the source has 24 frames, '
                               '0..23)')]
    assert sorted(p.name for p in out.iterdir()) == ['01_01.mp4',
                                                    '02_01.mp4']
    for clip, source, frame_range in (('01_01', root / '01.mp4', (3, 20)),
                                      ('02_01', root / '02', (0, 17))):
        got = _frames(out / f'{clip}.mp4')
        want = _frames(source, frame_range)
        assert len(got) == len(want) == 18
        # lossy re-encoding: close to its own frame, far from a neighbour
        err = [np.abs(g.astype(int) - w.astype(int)).mean()
               for g, w in zip(got, want)]
        shifted = np.abs(got[5].astype(int) - want[6].astype(int)).mean()
        assert max(err) < 8 and shifted > 2 * max(err)
    results = DecordClips(clip_len=8, num_clips=2)(
        dict(filename=str(out / '01_01.mp4')))
    assert results['total_frames'] == 18 and len(results['imgs']) == 16
    # rerun: the existing clips are kept
    again = cut_dive_clips(str(dives), str(out))
    assert (again.written, again.skipped, len(again.failed)) == (0, 2, 1)
