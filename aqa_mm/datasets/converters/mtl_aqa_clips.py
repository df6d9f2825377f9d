"""One video file per dive, for the RGB stream.

The RGB pipeline (``DecordClips``) reads one video per sample, while the
MTL-AQA release has whole-event recordings (or their frame folders). This
cuts every row of a dive list (:mod:`.mtl_aqa_dives`, the ``.csv`` format of
:mod:`aqa_mm.pose.video_list`) into ``<out_dir>/<id>.mp4`` with the same
reader the pose extraction uses (:class:`aqa_mm.pose.VideoReader`), so the
RGB clip and the skeleton cover exactly the same frames.

Clips are written with OpenCV (``mp4v``, MPEG-4 Part 2: lossy re-encoding)
to a temporary file that is renamed when complete, so a killed run leaves no
partial clip; a rerun skips the clips that exist. A dive that cannot be read
is reported and the others go on.
"""
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import cv2

from aqa_mm.pose import VideoReader, VideoReadError, collect_videos


@dataclass
class ClipSummary:
    """What one run wrote.

    Attributes:
        written (int): Clips written in this run.
        skipped (int): Clips that already existed.
        failed (list[tuple[str, str]]): ``(id, reason)`` per failed dive.
    """
    written: int = 0
    skipped: int = 0
    failed: List[Tuple[str, str]] = field(default_factory=list)


def write_clip(reader: VideoReader, path: str,
               fps: Optional[float] = None) -> int:
    """Write every frame ``reader`` yields to ``path`` atomically.

    Args:
        reader (VideoReader): Open reader (its frame range applies).
        path (str): Destination ``.mp4``.
        fps (float, optional): Frame rate of the clip. Defaults to the
            reader's.

    Returns:
        int: Frames written.
    """
    tmp = f'{path}.tmp.mp4'
    writer = None
    try:
        for frames in reader:
            if writer is None:
                h, w = frames[0].shape[:2]
                writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*'mp4v'),
                                         fps or reader.fps, (w, h))
                if not writer.isOpened():
                    raise VideoReadError(path, 'OpenCV cannot write an mp4v '
                                         'video here')
            for frame in frames:
                writer.write(frame)
        writer.release()
        os.replace(tmp, path)
    finally:
        if writer is not None:
            writer.release()
        if osp.exists(tmp):
            os.unlink(tmp)
    return reader.num_decoded


def cut_dive_clips(dive_list: str, out_dir: str,
                   fps: Optional[float] = None) -> ClipSummary:
    """Write ``<out_dir>/<id>.mp4`` for every row of a dive list.

    Args:
        dive_list (str): ``.csv`` dive list (or any list
            :func:`~aqa_mm.pose.collect_videos` reads).
        out_dir (str): Output folder.
        fps (float, optional): Frame rate of the clips; defaults to the
            source's (25 for frame folders).

    Returns:
        ClipSummary: Counts and failures.
    """
    summary = ClipSummary()
    for item in collect_videos(dive_list):
        path = osp.join(out_dir, f'{item.sample_id}.mp4')
        if osp.isfile(path):
            summary.skipped += 1
            continue
        os.makedirs(osp.dirname(path), exist_ok=True)
        try:
            write_clip(VideoReader(item.path, frame_range=item.frame_range),
                       path, fps)
            summary.written += 1
        except VideoReadError as exc:
            summary.failed.append((item.sample_id, exc.reason))
    return summary
