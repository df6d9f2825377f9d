import cv2
import numpy as np
import pytest

from aqa_mm.pose import VideoReader, VideoReadError


def _count_cv2(path) -> int:
    cap, n = cv2.VideoCapture(str(path)), 0
    while cap.read()[0]:
        n += 1
    cap.release()
    return n


@pytest.mark.parametrize('backend', ['auto', 'opencv'])
def test_all_frames_in_order_as_bgr_batches(make_video, backend):
    path = make_video('v.mp4', num=11)
    reader = VideoReader(str(path), batch_size=4, backend=backend)
    batches = list(reader)
    assert [len(b) for b in batches] == [4, 4, 3]
    assert reader.num_decoded == 11 == _count_cv2(path)
    frame = batches[0][0]
    assert frame.shape == (64, 96, 3) and frame.dtype == np.uint8
    assert reader.fps == pytest.approx(10, abs=0.5)


def test_decord_frames_are_bgr_like_opencv(make_video):
    path = str(make_video('v.mp4', num=3))
    ours = next(iter(VideoReader(path, 3, backend='decord')))
    ok, ref = cv2.VideoCapture(path).read()
    assert ok
    assert np.abs(ours[0].astype(int) - ref.astype(int)).mean() < 3


def test_max_frames(make_video):
    reader = VideoReader(str(make_video('v.mp4', num=9)), 4, max_frames=5)
    assert sum(len(b) for b in reader) == 5


def test_real_video_decodes_every_frame(real_video):
    reader = VideoReader(real_video, batch_size=32)
    shapes = {f.shape for batch in reader for f in batch}
    assert reader.num_decoded == 72
    assert shapes == {(1080, 1920, 3)}


def test_bad_files_name_the_file(tmp_path):
    missing = tmp_path / 'missing.mp4'
    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    text = tmp_path / 'notes.txt'
    text.write_text('not a video\n' * 50)
    junk = tmp_path / 'junk.mp4'
    junk.write_bytes(np.random.default_rng(0).bytes(5000))
    for path, reason in ((missing, 'file not found'), (empty, 'empty file'),
                         (text, 'not a readable video|no frames decoded'),
                         (junk, 'not a readable video|no frames')):
        with pytest.raises(VideoReadError, match=reason) as info:
            list(VideoReader(str(path)))
        assert str(path) in str(info.value)


def test_zero_frame_video(tmp_path):
    path = tmp_path / 'zero.mp4'
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), 10,
                             (32, 32))
    writer.release()  # a container without frames
    with pytest.raises(VideoReadError, match=str(path)):
        list(VideoReader(str(path)))


def test_bad_arguments(make_video):
    path = str(make_video('v.mp4', num=2))
    with pytest.raises(ValueError, match='backend'):
        VideoReader(path, backend='ffmpeg')
    with pytest.raises(ValueError, match='batch_size'):
        VideoReader(path, batch_size=0)
