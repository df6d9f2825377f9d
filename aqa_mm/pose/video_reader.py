"""Decode a video once, in order, as batches of BGR frames.

decord is tried first; OpenCV is the fallback, both when decord cannot open
the file and when it fails part-way (OpenCV then skips the frames already
delivered, so no frame is decoded twice or lost). Frames are BGR ``uint8``,
the colour order mmpose's top-down pipeline expects from ``LoadImage``.

Every problem is raised as :class:`VideoReadError`, whose message names the
file and the reason, so the extraction loop can record it and go on.
"""
import math
import os.path as osp
from typing import Iterator, List, Optional

import cv2
import numpy as np

DEFAULT_FPS = 25.0


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
        path (str): Video file.
        batch_size (int): Frames per yielded batch. Defaults to 8.
        max_frames (int, optional): Stop after this many frames (for quick
            checks; the pose file then covers only these). Defaults to None.
        backend (str): ``'auto'`` (decord, then OpenCV), ``'decord'`` or
            ``'opencv'``. Defaults to ``'auto'``.

    Attributes:
        fps (float): Frame rate from the container (25 when unknown).
        backend (str): The backend in use, ``'decord'`` or ``'opencv'``.
        num_decoded (int): Frames delivered so far.

    Raises:
        VideoReadError: The file is missing, not a video, or unreadable.
    """

    def __init__(self, path: str, batch_size: int = 8,
                 max_frames: Optional[int] = None,
                 backend: str = 'auto') -> None:
        if backend not in ('auto', 'decord', 'opencv'):
            raise ValueError(f"backend must be 'auto', 'decord' or 'opencv', "
                             f'got {backend!r}')
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}')
        if max_frames is not None and max_frames < 1:
            raise ValueError(f'max_frames must be >= 1, got {max_frames}')
        self.path = str(path)
        self.batch_size = batch_size
        self.max_frames = max_frames
        self.num_decoded = 0
        if not osp.isfile(self.path):
            raise VideoReadError(self.path, 'file not found')
        if osp.getsize(self.path) == 0:
            raise VideoReadError(self.path, 'empty file (0 bytes)')
        self._decord = None
        self._cap = None
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
            for _ in range(self.num_decoded):
                self._cap.grab()
            return self._next_opencv()
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)

    def _next_opencv(self) -> Optional[np.ndarray]:
        ok, frame = self._cap.read()
        return frame if ok and frame is not None else None

    def _next(self) -> Optional[np.ndarray]:
        if self.max_frames is not None and self.num_decoded >= self.max_frames:
            return None
        frame = (self._next_decord() if self._decord is not None
                 else self._next_opencv())
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

