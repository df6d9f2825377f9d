"""DecordClips: split a video into n fixed clips and decode them with decord.

CoRe (Yu et al., ICCV 2021) and 2M-AF feed I3D ten 16-frame clips of a
103-frame AQA-7 video, starting every 10 frames (CoRe: starts 0, 10, ...,
80, 86), and average the clip features. mmaction2's ``SampleFrames`` spreads
clips by segments instead and silently loops a video that is too short, so
this transform samples clips with a stride and names the file when a video
cannot be opened, decoded, or is shorter than one clip.
"""
import re
from typing import Dict, Optional

import numpy as np
from mmaction.datasets.transforms import DecordDecode, DecordInit
from mmcv.transforms import BaseTransform

from aqa_mm.registry import TRANSFORMS
from aqa_mm.utils.cli import DataError


def _short(exc: BaseException) -> str:
    """The gist of an exception: decord's messages are long and carry
    ``[hh:mm:ss] source.cc:123:`` prefixes; keep the last line without them."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    text = re.sub(r'\[[\d:]+\] \S+?:\d+: ', '', lines[-1]) if lines else ''
    text = text or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + '...'


@TRANSFORMS.register_module()
class DecordClips(BaseTransform):
    """Decode ``num_clips`` clips of ``clip_len`` frames from a video file.

    mmaction2's ``DecordInit`` and ``DecordDecode`` do the reading; this
    transform chooses the frames and turns any failure into a
    :class:`~aqa_mm.utils.cli.DataError` that starts with the file name. Use
    it in place of ``DecordInit`` + ``SampleFrames`` + ``DecordDecode``,
    followed by mmaction2's ``Resize``, crops and ``FormatShape('NCTHW')``,
    which gives ``imgs`` of shape (num_clips, C, clip_len, H, W).

    Clip i starts at ``min(i * clip_stride, last)``, where ``last`` is the
    last start at which a whole clip fits, so overlapping clips cover the
    video (CoRe's layout up to its last start, 86 instead of 87 for 103
    frames). With ``clip_stride=None`` the starts are spread evenly from 0
    to ``last`` (one clip: centred). Sampling is deterministic, as in CoRe.

    Required Keys: ``filename``.
    Added Keys: ``total_frames``, ``avg_fps``, ``frame_inds``, ``clip_len``,
    ``frame_interval``, ``num_clips``, ``imgs``, ``original_shape``,
    ``img_shape``.

    Args:
        clip_len (int): Frames per clip.
        num_clips (int): Clips per video. Defaults to 1.
        clip_stride (int, optional): Frames between clip starts. Defaults
            to None (spread evenly).
        frame_interval (int): Step between sampled frames within a clip.
            Defaults to 1.
        num_threads (int): Decord decoding threads. Defaults to 1.
        io_backend (str): mmengine file backend. Defaults to ``'disk'``.
    """

    def __init__(self,
                 clip_len: int,
                 num_clips: int = 1,
                 clip_stride: Optional[int] = None,
                 frame_interval: int = 1,
                 num_threads: int = 1,
                 io_backend: str = 'disk') -> None:
        checks = [('clip_len', clip_len), ('num_clips', num_clips),
                  ('frame_interval', frame_interval)]
        if clip_stride is not None:
            checks.append(('clip_stride', clip_stride))
        for name, value in checks:
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'{name} must be an int >= 1, got {value!r}')
        self.clip_len, self.num_clips = clip_len, num_clips
        self.clip_stride, self.frame_interval = clip_stride, frame_interval
        self.num_threads, self.io_backend = num_threads, io_backend
        self._init = DecordInit(io_backend=io_backend, num_threads=num_threads)
        self._decode = DecordDecode()

    @property
    def span(self) -> int:
        """Frames covered by one clip."""
        return (self.clip_len - 1) * self.frame_interval + 1

    def clip_starts(self, total_frames: int) -> np.ndarray:
        """First frame of every clip.

        Args:
            total_frames (int): Frames in the video.

        Returns:
            np.ndarray: (num_clips,) int64 starts.

        Raises:
            ValueError: If the video is shorter than one clip.
        """
        last = total_frames - self.span
        if last < 0:
            raise ValueError(f'{total_frames} frames, shorter than one clip '
                             f'of {self.span} (clip_len={self.clip_len}, '
                             f'frame_interval={self.frame_interval})')
        if self.clip_stride is not None:
            starts = np.minimum(np.arange(self.num_clips) * self.clip_stride,
                                last)
        elif self.num_clips == 1:
            starts = np.array([last // 2])
        else:
            starts = np.linspace(0, last, self.num_clips).round()
        return starts.astype(np.int64)

    def frame_indices(self, total_frames: int) -> np.ndarray:
        """Frame indices of all clips, clip after clip.

        Args:
            total_frames (int): Frames in the video.

        Returns:
            np.ndarray: (num_clips * clip_len,) int64 indices.
        """
        offsets = np.arange(self.clip_len) * self.frame_interval  # [L]
        inds = self.clip_starts(total_frames)[:, None] + offsets  # [n, L]
        return inds.reshape(-1)

    def transform(self, results: Dict) -> Dict:
        """Open, sample and decode; see the class docstring for the keys."""
        filename = results['filename']
        try:
            results = self._init(results)
        except FileNotFoundError as exc:
            raise DataError(f'{filename}: video not found') from exc
        except Exception as exc:  # decord raises DECORDError / RuntimeError
            raise DataError(f'{filename}: cannot open the video (corrupt or '
                            f'not a video?): {_short(exc)}') from exc
        try:
            frame_inds = self.frame_indices(results['total_frames'])
        except ValueError as exc:
            raise DataError(f'{filename}: {exc}') from exc
        results.update(frame_inds=frame_inds, clip_len=self.clip_len,
                       frame_interval=self.frame_interval,
                       num_clips=self.num_clips)
        try:
            results = self._decode(results)
        except Exception as exc:  # a damaged stream fails while decoding
            raise DataError(f'{filename}: cannot decode frames (corrupt '
                            f'video?): {_short(exc)}') from exc
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(clip_len={self.clip_len}, '
                f'num_clips={self.num_clips}, '
                f'clip_stride={self.clip_stride}, '
                f'frame_interval={self.frame_interval}, '
                f'num_threads={self.num_threads}, '
                f'io_backend={self.io_backend!r})')
