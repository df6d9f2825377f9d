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
    with pytest.raises(ValueError, match='frame_range'):
        VideoReader(path, frame_range=(3, 1))


def _grey_frames(num: int):
    """Frame t is uniform grey 12 * t: its mean identifies it."""
    return [np.full((32, 48, 3), 12 * t, np.uint8) for t in range(num)]


def _means(reader):
    return [round(float(f.mean()) / 12) for b in reader for f in b]


@pytest.fixture
def twenty_frames(make_video):
    return str(make_video('twenty.mp4', num=20))


@pytest.fixture
def frame_folder(tmp_path):
    """ffmpeg-style ``%06d.jpg`` frames 1..20, plus a non-image file."""
    folder = tmp_path / 'whole_videos_frames' / '01'
    folder.mkdir(parents=True)
    for t, frame in enumerate(_grey_frames(20)):
        cv2.imwrite(str(folder / f'{t + 1:06d}.jpg'), frame)
    (folder / 'notes.txt').write_text('not a frame')
    return str(folder)


def _frames(reader):
    return [f for b in reader for f in b]


@pytest.mark.parametrize('backend', ['auto', 'opencv'])
def test_frame_range_of_a_video(make_video, backend):
    # moving-box frames: frame t differs from its neighbours
    path = str(make_video('v.mp4', num=20))
    full = _frames(VideoReader(path, backend=backend))
    reader = VideoReader(path, batch_size=4, backend=backend,
                         frame_range=(7, 16))
    part = _frames(reader)
    assert reader.num_decoded == len(part) == 10
    # exactly the frames 7..16 of a full decode (decord seeks, OpenCV grabs)
    for got, want in zip(part, full[7:17]):
        assert np.abs(got.astype(int) - want.astype(int)).mean() < 1
    assert np.abs(part[0].astype(int) - full[6].astype(int)).mean() > 5
    # max_frames still caps a range
    capped = VideoReader(path, 4, max_frames=3, backend=backend,
                         frame_range=(7, 16))
    assert len(_frames(capped)) == 3
    # the last frame is a valid range end
    last = _frames(VideoReader(path, backend=backend, frame_range=(19, 19)))
    assert len(last) == 1
    assert np.abs(last[0].astype(int) - full[19].astype(int)).mean() < 1


def test_frame_folder_in_natural_order(frame_folder, tmp_path):
    reader = VideoReader(frame_folder, batch_size=8)
    assert reader.backend == 'frames' and reader.fps == 25.0
    assert _means(reader) == list(range(20))
    assert _means(VideoReader(frame_folder, 3, frame_range=(4, 9))) == \
        list(range(4, 10))
    # unpadded names: 2.png comes before 10.png
    plain = tmp_path / 'plain'
    plain.mkdir()
    for t in (10, 2, 1):
        cv2.imwrite(str(plain / f'{t}.png'), _grey_frames(11)[t])
    assert _means(VideoReader(str(plain))) == [1, 2, 10]


@pytest.mark.parametrize('backend', ['auto', 'opencv'])
def test_range_past_the_end_names_the_length(twenty_frames, backend):
    for frame_range in ((15, 20), (25, 30)):
        with pytest.raises(VideoReadError, match=r'twenty\.mp4: frame range '
                           rf'{frame_range[0]}\.\.{frame_range[1]} ends past '
                           r'the last frame \(the source has 20 frames'):
            list(VideoReader(twenty_frames, backend=backend,
                             frame_range=frame_range))


def test_bad_frame_folders(frame_folder, tmp_path):
    with pytest.raises(VideoReadError, match=r'01: frame range 18\.\.20 '
                       'ends past the last frame'):
        VideoReader(frame_folder, frame_range=(18, 20))
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(VideoReadError, match='empty: frame folder holds no '
                       'image'):
        VideoReader(str(empty))
    (empty / '000001.jpg').write_bytes(b'not a jpeg')
    with pytest.raises(VideoReadError, match='unreadable image 000001.jpg'):
        list(VideoReader(str(empty)))
    with pytest.raises(VideoReadError, match='frame folder not found'):
        VideoReader(str(tmp_path / 'nowhere'), backend='frames')
