"""Decode a video once, in order, as batches of BGR frames.

decord is tried first; OpenCV is the fallback, both when decord cannot open
the file and when it fails part-way (OpenCV then skips the frames already
delivered, so no frame is decoded twice or lost). Frames are BGR ``uint8``,
the colour order mmpose's top-down pipeline expects from ``LoadImage``.

The source can also be a folder of extracted frames (``backend='frames'``,
chosen automatically for a folder): its image files (:data:`IMAGE_EXTENSIONS`)
in natural name order (``2.jpg`` before ``10.jpg``; zero-padded names such as
ffmpeg's ``%06d.jpg`` sort the same either way), read with OpenCV.

``frame_range=(start, end)`` decodes only frames ``start``..``end``
(0-based, inclusive; the i-th image of a frame folder is frame i), e.g. one
dive of a whole-event recording. decord seeks to ``start`` exactly; OpenCV
grabs the frames before it. A range past the last frame fails, naming the
number of frames the source has.

Every problem is raised as :class:`VideoReadError`, whose message names the
file and the reason, so the extraction loop can record it and go on.
"""
import math
import os
import os.path as osp
import re
from typing import Iterator, List, Optional, Tuple

import cv2
import numpy as np

DEFAULT_FPS = 25.0
IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp')


def _natural_key(name: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r'(\d+)', name)]


def frame_files(folder: str) -> List[str]:
    """Image files of a frame folder, in natural name order.

    Args:
        folder (str): Folder of extracted frames.

    Returns:
        list[str]: Paths of its image files (not recursive).
    """
    names = [n for n in os.listdir(folder)
             if osp.splitext(n)[1].lower() in IMAGE_EXTENSIONS]
    return [osp.join(folder, n) for n in sorted(names, key=_natural_key)]


class VideoReadError(Exception):
    """A video that cannot be decoded.

    Args:
        path (str): The video file.
        reason (str): One-line reason, e.g. ``'no frames decoded'``.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f'{path}: {reason}')


def _valid_fps(fps: float) -> float:
    return float(fps) if fps and math.isfinite(fps) and fps > 0 \
        else DEFAULT_FPS


class VideoReader:
    """Sequential batched decoding with decord, falling back to OpenCV.

    Opening happens in the constructor, so an unreadable file fails before
    any model work. Iterate to get the frames.

    Args:
        path (str): Video file, or a folder of extracted frames.
        batch_size (int): Frames per yielded batch. Defaults to 8.
        max_frames (int, optional): Stop after this many frames (for quick
            checks; the pose file then covers only these). Defaults to None.
        backend (str): ``'auto'`` (decord, then OpenCV; ``'frames'`` for a
            folder), ``'decord'``, ``'opencv'`` or ``'frames'``. Defaults to
            ``'auto'``.
        frame_range (tuple[int, int], optional): ``(start, end)``, 0-based
            and inclusive: decode only these frames. Defaults to None (all).

    Attributes:
        fps (float): Frame rate from the container (25 when unknown and for
            frame folders).
        backend (str): The backend in use: ``'decord'``, ``'opencv'`` or
            ``'frames'``.
        num_decoded (int): Frames delivered so far.

    Raises:
        VideoReadError: The file is missing, not a video, or unreadable; a
            frame folder holds no image; the range ends past the last frame.
    """

    def __init__(self, path: str, batch_size: int = 8,
                 max_frames: Optional[int] = None,
                 backend: str = 'auto',
                 frame_range: Optional[Tuple[int, int]] = None) -> None:
        if backend not in ('auto', 'decord', 'opencv', 'frames'):
            raise ValueError("backend must be 'auto', 'decord', 'opencv' or "
                             f"'frames', got {backend!r}")
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}')
        if max_frames is not None and max_frames < 1:
            raise ValueError(f'max_frames must be >= 1, got {max_frames}')
        if frame_range is not None and not 0 <= frame_range[0] <= \
                frame_range[1]:
            raise ValueError('frame_range must be (start, end) with 0 <= '
                             f'start <= end, got {frame_range}')
        self.path = str(path)
        self.batch_size = batch_size
        self.max_frames = max_frames
        self.frame_range = None if frame_range is None else (
            int(frame_range[0]), int(frame_range[1]))
        self.start = 0 if frame_range is None else self.frame_range[0]
        span = None if frame_range is None else \
            self.frame_range[1] - self.start + 1
        self.limit = min(v for v in (max_frames, span, math.inf)
                         if v is not None)
        self.num_decoded = 0
        self._decord = None
        self._cap = None
        self._files = None
        self._decord_error = ''
        if osp.isdir(self.path) or backend == 'frames':
            self._open_frames()
            return
        if not osp.isfile(self.path):
            raise VideoReadError(self.path, 'file not found')
        if osp.getsize(self.path) == 0:
            raise VideoReadError(self.path, 'empty file (0 bytes)')
        decord_error = 'not tried'
        if backend in ('auto', 'decord'):
            decord_error = self._open_decord()
        self._decord_error = decord_error
        if self._decord is None and backend in ('auto', 'opencv'):
            self._open_opencv()
        if self._decord is None and self._cap is None:
            raise VideoReadError(
                self.path, f'not a readable video (decord: {decord_error}; '
                'OpenCV could not open it either)')
        self.backend = 'decord' if self._decord is not None else 'opencv'
        if self._cap is not None:
            self._skip_opencv(self.start)

    def _check_range(self, total: int) -> None:
        """Fail when the frame range ends past the last of ``total``."""
        if self.frame_range is not None and self.frame_range[1] >= total:
            raise VideoReadError(
                self.path, f'frame range {self.frame_range[0]}..'
                f'{self.frame_range[1]} ends past the last frame (the '
                f'source has {total} frames, 0..{total - 1})')

    def _open_frames(self) -> None:
        if not osp.isdir(self.path):
            raise VideoReadError(self.path, 'frame folder not found')
        files = frame_files(self.path)
        if not files:
            raise VideoReadError(self.path, 'frame folder holds no image '
                                 f'({", ".join(IMAGE_EXTENSIONS)})')
        self._check_range(len(files))
        self._files = files
        self.fps = DEFAULT_FPS
        self.backend = 'frames'

    def _skip_opencv(self, count: int) -> None:
        """Grab (decode and drop) ``count`` frames with OpenCV."""
        for i in range(count):
            if not self._cap.grab():
                self._check_range(i)

    def _open_decord(self) -> str:
        """Try decord; return the reason on failure ('' on success)."""
        try:
            import decord
            reader = decord.VideoReader(self.path, ctx=decord.cpu(0),
                                        num_threads=1)
            if len(reader) == 0:
                return 'zero frames in the container'
        except ImportError:
            return 'not installed'
        except Exception as exc:  # decord raises its own DECORDError types
            return f'{type(exc).__name__}: {str(exc).splitlines()[0][:120]}'
        self._check_range(len(reader))
        if self.start:
            reader.seek_accurate(self.start)
        self._decord = reader
        self.fps = _valid_fps(reader.get_avg_fps())
        return ''

    def _open_opencv(self) -> bool:
        cap = cv2.VideoCapture(self.path)
        if not cap.isOpened():
            cap.release()
            return False
        self._cap = cap
        self.fps = _valid_fps(cap.get(cv2.CAP_PROP_FPS))
        return True

    def _next_decord(self) -> Optional[np.ndarray]:
        try:
            rgb = self._decord.next().asnumpy()  # (H, W, 3) RGB
        except StopIteration:
            return None
        except Exception as exc:
            # decoding broke part-way: continue with OpenCV from here
            self._decord = None
            if not self._open_opencv():
                raise VideoReadError(
                    self.path, f'decoding failed at frame {self.num_decoded} '
                    f'({type(exc).__name__})') from exc
            self.backend = 'opencv'
            self._skip_opencv(self.start + self.num_decoded)
            return self._next_opencv()
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)

    def _next_opencv(self) -> Optional[np.ndarray]:
        ok, frame = self._cap.read()
        return frame if ok and frame is not None else None

    def _next_frame_file(self) -> Optional[np.ndarray]:
        index = self.start + self.num_decoded
        if index >= len(self._files):
            return None
        frame = cv2.imread(self._files[index], cv2.IMREAD_COLOR)
        if frame is None:
            raise VideoReadError(self.path, 'unreadable image '
                                 f'{osp.basename(self._files[index])}')
        return frame

    def _next(self) -> Optional[np.ndarray]:
        if self.num_decoded >= self.limit:
            return None
        if self._files is not None:
            frame = self._next_frame_file()
        elif self._decord is not None:
            frame = self._next_decord()
        else:
            frame = self._next_opencv()
        if frame is not None:
            self.num_decoded += 1
        return frame

    def __iter__(self) -> Iterator[List[np.ndarray]]:
        """Yield batches of up to ``batch_size`` BGR frames (H, W, 3) uint8.

        Raises:
            VideoReadError: When the video yields no frame at all.
        """
        try:
            while True:
                batch = []
                while len(batch) < self.batch_size:
                    frame = self._next()
                    if frame is None:
                        break
                    batch.append(frame)
                if batch:
                    yield batch
                if len(batch) < self.batch_size:
                    break
        finally:
            self.close()
        if self.frame_range is not None and self.num_decoded < self.limit:
            self._check_range(self.start + self.num_decoded)
        if self.num_decoded == 0:
            why = (f'; decord: {self._decord_error}'
                   if self._decord_error else '')
            raise VideoReadError(self.path, 'no frames decoded (not a video, '
                                 f'or an empty or corrupt stream{why})')

    def close(self) -> None:
        """Release the decoders."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._decord = None

