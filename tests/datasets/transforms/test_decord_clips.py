"""DecordClips: clip layout (CoRe's on AQA-7), decoded frames, and one-line
errors naming the file for missing, unreadable, corrupt and short videos."""
import numpy as np
import pytest

from aqa_mm.datasets.synthetic.render import write_video
from aqa_mm.datasets.transforms.decord_clips import DecordClips
from aqa_mm.registry import TRANSFORMS
from aqa_mm.utils.cli import DataError

FRAMES = 20


@pytest.fixture(scope='module')
def video(tmp_path_factory) -> str:
    """A 20-frame 32x32 mp4 whose frame i is uniformly grey 10 * i."""
    levels = (np.arange(FRAMES) * 10).astype(np.uint8)
    frames = np.broadcast_to(levels[:, None, None, None],
                             (FRAMES, 32, 32, 3)).copy()
    path = tmp_path_factory.mktemp('videos') / 'grey.mp4'
    write_video(frames, path, fps=25)
    return str(path)


def test_core_layout_on_103_frames():
    t = DecordClips(clip_len=16, num_clips=10, clip_stride=10)
    starts = t.clip_starts(103)
    # CoRe: 0, 10, ..., 80, 86; the last start where 16 frames fit is 87
    np.testing.assert_array_equal(starts, [0, 10, 20, 30, 40, 50, 60, 70,
                                           80, 87])
    inds = t.frame_indices(103).reshape(10, 16)
    np.testing.assert_array_equal(inds[1], np.arange(10, 26))
    assert inds.max() == 102


def test_spread_and_interval():
    t = DecordClips(clip_len=16, num_clips=2)
    np.testing.assert_array_equal(t.clip_starts(64), [0, 48])
    np.testing.assert_array_equal(DecordClips(4).clip_starts(10), [3])
    t = DecordClips(clip_len=4, num_clips=3, frame_interval=2)
    assert t.span == 7
    np.testing.assert_array_equal(t.clip_starts(13), [0, 3, 6])
    np.testing.assert_array_equal(t.frame_indices(13)[:4], [0, 2, 4, 6])


def test_bad_arguments():
    with pytest.raises(ValueError, match='clip_stride must be an int >= 1'):
        DecordClips(clip_len=16, clip_stride=0)
    with pytest.raises(ValueError, match='clip_len'):
        DecordClips(clip_len=0)


def test_decodes_the_chosen_frames(video):
    t = TRANSFORMS.build(dict(type='DecordClips', clip_len=4, num_clips=2,
                              clip_stride=10))
    results = t(dict(filename=video))
    assert results['total_frames'] == FRAMES
    assert len(results['imgs']) == 8 and results['imgs'][0].shape == (32, 32,
                                                                       3)
    assert results['num_clips'] == 2 and results['clip_len'] == 4
    grey = np.array([img.mean() for img in results['imgs']])
    expected = np.r_[np.arange(0, 4), np.arange(10, 14)] * 10.0
    np.testing.assert_allclose(grey, expected, atol=4)  # lossy mp4v
    assert 'clip_stride=10' in repr(t)


def test_too_short_names_file(video):
    t = DecordClips(clip_len=FRAMES + 1)
    with pytest.raises(DataError, match=rf'{video}: {FRAMES} frames, shorter '
                       rf'than one clip of {FRAMES + 1}'):
        t(dict(filename=video))


def test_missing_names_file(tmp_path):
    path = str(tmp_path / 'nope.mp4')
    with pytest.raises(DataError, match=f'{path}: video not found'):
        DecordClips(clip_len=4)(dict(filename=path))


@pytest.mark.parametrize('damage', ['random', 'empty', 'truncated'])
def test_unreadable_names_file(video, tmp_path, damage):
    data = open(video, 'rb').read()
    content = dict(random=np.random.default_rng(0).bytes(2000), empty=b'',
                   truncated=data[:len(data) // 2])[damage]
    path = tmp_path / f'{damage}.mp4'
    path.write_bytes(content)
    with pytest.raises(DataError, match=f'{path}: cannot open the video'):
        DecordClips(clip_len=4)(dict(filename=str(path)))


def test_corrupt_stream_names_file(video, tmp_path):
    """The container opens, but the frames cannot be decoded."""
    data = bytearray(open(video, 'rb').read())
    box = data.find(b'mdat') - 4  # size (4 bytes), 'mdat', payload
    size = int.from_bytes(data[box:box + 4], 'big')
    lo, hi = box + 8 + (size - 8) // 10, box + size - (size - 8) // 10
    data[lo:hi] = np.random.default_rng(0).bytes(hi - lo)  # frames only
    path = tmp_path / 'damaged.mp4'
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match=f'{path}: cannot decode frames'):
        DecordClips(clip_len=4, num_clips=2, clip_stride=10)(
            dict(filename=str(path)))
