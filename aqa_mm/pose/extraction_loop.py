"""Run the extractor over many videos: resume, failures file, progress bar.

Outputs under ``out_dir``::

    <id>.pkl            pose record of each finished video (atomic write)
    vis/<id>.mp4        overlay video, with ``visualize=True``
    failures*.txt       one ``<video path>\\t<reason>`` line per failed video
                        (empty when nothing failed)

Resume: a pose file exists only once its video is complete (temporary file,
then rename), so a rerun skips every video that has one; a killed run loses
at most the video in flight. Leftover temporary files of a video are removed
before it is processed again. Failed videos are retried on every run.
"""
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

from tqdm import tqdm

from aqa_mm.utils.io import atomic_pickle_dump, atomic_write_text
from .extractor import NoPersonError, PoseExtractor
from .video_list import VideoItem
from .video_reader import VideoReadError


@dataclass
class ExtractionSummary:
    """What one run did.

    Attributes:
        total (int): Videos in this shard.
        skipped (int): Already finished before the run.
        done (int): Extracted in this run.
        failed (list[tuple[str, str]]): ``(video path, reason)`` pairs.
        frames (int): Frames extracted in this run.
        seconds (float): Time spent extracting (skips excluded).
    """
    total: int = 0
    skipped: int = 0
    done: int = 0
    failed: List[Tuple[str, str]] = field(default_factory=list)
    frames: int = 0
    seconds: float = 0.0

    @property
    def fps(self) -> float:
        """Frames per second over the extracted videos."""
        return self.frames / self.seconds if self.seconds > 0 else 0.0


def pose_path(out_dir: str, item: VideoItem) -> Path:
    """Where the pose file of ``item`` goes: ``out_dir/<id>.pkl``."""
    return Path(out_dir) / f'{item.sample_id}.pkl'


def vis_path(out_dir: str, item: VideoItem) -> Path:
    """Where the overlay video of ``item`` goes: ``out_dir/vis/<id>.mp4``."""
    return Path(out_dir) / 'vis' / f'{item.sample_id}.mp4'


def _remove_stale_temps(*targets: Path) -> None:
    """Delete temporary files a killed run left for these outputs."""
    for target in targets:
        if not target.parent.is_dir():
            continue
        prefix = f'.{target.name}.'
        for tmp in target.parent.iterdir():
            rest = tmp.name[len(prefix):]
            if tmp.name.startswith(prefix) and '.tmp' in rest:
                os.unlink(tmp)


def _write_failures(failures: Sequence[Tuple[str, str]], path: str) -> None:
    lines = ''.join(f'{video}\t{" ".join(reason.split())}\n'
                    for video, reason in failures)
    atomic_write_text(lines, path)


def _reason(exc: Exception) -> str:
    if isinstance(exc, (VideoReadError, NoPersonError)):
        return exc.reason
    tqdm.write(traceback.format_exc(), file=sys.stderr)
    first = str(exc).splitlines()[0] if str(exc) else ''
    return f'{type(exc).__name__}: {first}'


def run_extraction(items: Sequence[VideoItem], out_dir: str,
                   extractor: PoseExtractor, failures_file: str,
                   visualize: bool = False, max_frames: Optional[int] = None,
                   progress: bool = True,
                   log: Optional[Callable[[str], None]] = None,
                   athlete_box: Optional[Sequence[float]] = None
                   ) -> ExtractionSummary:
    """Extract every unfinished video of ``items``; never stop on a bad one.

    Args:
        items (Sequence[VideoItem]): Videos of this shard.
        out_dir (str): Output folder.
        extractor (PoseExtractor): The per-video extractor.
        failures_file (str): Failures file, rewritten after every failure
            and at the end.
        visualize (bool): Write overlay videos. Defaults to False.
        max_frames (int, optional): Only the first frames of each video.
            Defaults to None.
        progress (bool): Show a tqdm bar. Defaults to True.
        log (callable, optional): Message sink; defaults to writing to
            stderr without breaking the progress bar.
        athlete_box (Sequence[float], optional): ``x1, y1, x2, y2`` around
            the athlete in the first frame, for the videos whose item has
            none (see :meth:`PoseExtractor.extract`). Defaults to None.

    Returns:
        ExtractionSummary: Counts, failures and speed.
    """
    log = log or (lambda msg: tqdm.write(msg, file=sys.stderr))
    summary = ExtractionSummary(total=len(items))
    todo = [it for it in items if not pose_path(out_dir, it).is_file()]
    summary.skipped = len(items) - len(todo)
    if summary.skipped:
        log(f'{summary.skipped} of {len(items)} videos already done '
            f'(pose file exists), skipping them')
    bar = tqdm(total=len(items), initial=summary.skipped, unit='video',
               disable=not progress, dynamic_ncols=True, file=sys.stderr)
    try:
        for item in todo:
            out, vis = pose_path(out_dir, item), vis_path(out_dir, item)
            _remove_stale_temps(out, vis)
            start = time.perf_counter()
            try:
                record = extractor.extract(
                    item.path, item.sample_id, max_frames,
                    str(vis) if visualize else None, item.frame_range,
                    item.athlete_box or athlete_box)
                atomic_pickle_dump(record, out)
                summary.done += 1
                summary.frames += record['total_frames']
            except Exception as exc:  # record it and go on with the others
                summary.failed.append((item.path, _reason(exc)))
                log(f'FAILED {item.path}: {summary.failed[-1][1]}')
                _write_failures(summary.failed, failures_file)
            summary.seconds += time.perf_counter() - start
            bar.update(1)
            bar.set_postfix(frames=summary.frames,
                            fps=f'{summary.fps:.1f}',
                            failed=len(summary.failed))
    finally:
        bar.close()
    _write_failures(summary.failed, failures_file)
    return summary
