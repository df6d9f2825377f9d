"""The demo's annotated video: the athlete's skeleton and the scores drawn
on every frame (``tools/demo.py --out-video``), and trimming a video to its
first frames (``--max-frames``). Outputs are written atomically by
:class:`~aqa_mm.pose.visualize.OverlayVideoWriter`.
"""
from typing import List, Optional, Tuple

import cv2
import numpy as np

from aqa_mm.pose import VideoReader
from aqa_mm.pose.visualize import OverlayVideoWriter

__all__ = ['trim_video', 'caption_lines', 'draw_caption', 'write_annotated']


def trim_video(src: str, dst: str, max_frames: int) -> str:
    """Write the first ``max_frames`` frames of ``src`` to ``dst`` (mp4v).

    Args:
        src (str): Source video.
        dst (str): Destination ``.mp4`` (a temporary file).
        max_frames (int): Frames to keep.

    Returns:
        str: ``dst``.
    """
    reader = VideoReader(src, batch_size=8, max_frames=max_frames)
    writer = None
    for frames in reader:
        for frame in frames:
            if writer is None:
                h, w = frame.shape[:2]
                writer = cv2.VideoWriter(dst, cv2.VideoWriter_fourcc(*'mp4v'),
                                         reader.fps, (w, h))
            writer.write(frame)
    reader.close()
    if writer is not None:
        writer.release()
    return dst


def caption_lines(result: dict) -> List[str]:
    """Text drawn on every frame of the annotated video.

    Args:
        result (dict): From :func:`aqa_mm.apis.inference_aqa`.

    Returns:
        list[str]: Final score line, one line per stream score, and
        ``'WARNING: ...'`` when ``result['warnings']`` is not empty (see
        :func:`aqa_mm.analysis.domain_check.domain_warnings`).
    """
    prob = result.get('prob_rgb')
    lines = [f'score {result["score"]:.2f} ({result["stream"]}'
             + (f', p(rgb) {prob:.2f})' if prob is not None else ')')]
    lines += [f'{name}: {score:.2f}' + (' *' if name == result['stream']
                                        else '')
              for name, score in result['stream_scores'].items()]
    if result.get('warnings'):
        count = len(result['warnings'])
        lines.append(f'WARNING: {count} reason{"s" * (count > 1)} not to '
                     'trust this score (see the JSON / console)')
    return lines


def caption_scale(lines: List[str], shape: Tuple[int, int],
                  max_width: float = 0.6, max_height: float = 0.3
                  ) -> Tuple[float, int]:
    """Font scale and line step (pixels) that fit the caption in the frame.

    The text grows with the frame height (scale 1 at 720 px) but never takes
    more than ``max_width`` of the frame's width nor ``max_height`` of its
    height, so small videos (320 x 240) keep most of the picture.

    Args:
        lines (list[str]): The caption.
        shape (tuple[int, int]): (H, W) of the frame.
        max_width (float): Widest line, as a fraction of W. Defaults to 0.6.
        max_height (float): All lines, as a fraction of H. Defaults to 0.3.

    Returns:
        tuple[float, int]: OpenCV font scale and the line step in pixels.
    """
    h, w = shape
    widest = max(cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, 1.0, 1)
                 [0][0] for line in lines)
    line_h = 1.5 * cv2.getTextSize('Hg', cv2.FONT_HERSHEY_SIMPLEX, 1.0,
                                   1)[0][1]
    scale = min(h / 720, max_width * w / widest,
                max_height * h / (line_h * len(lines)))
    # thicker strokes widen the text: shrink to fit at the drawn thickness
    thick = max(1, round(1.5 * scale))
    drawn = max(cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, scale,
                                thick)[0][0] for line in lines)
    scale *= min(1.0, (max_width * w - 2 * thick) / max(drawn, 1))
    return scale, max(int(round(line_h * scale)), 1)


def draw_caption(frame: np.ndarray, lines: List[str]) -> np.ndarray:
    """Draw ``lines`` on a copy of ``frame`` (H, W, 3) BGR, top left, on a
    dark band, sized by :func:`caption_scale`."""
    canvas = frame.copy()
    if not lines:
        return canvas
    scale, step = caption_scale(lines, frame.shape[:2])
    thick = max(1, round(1.5 * scale))
    pad = max(2, step // 8)
    width = max(cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, scale,
                                thick)[0][0] for line in lines)
    band = canvas[:step * len(lines) + 2 * pad, :width + 2 * pad]
    band[:] = (band * 0.45).astype(np.uint8)  # darken behind the text
    for i, line in enumerate(lines):
        org = (pad, pad + step * (i + 1) - step // 4)
        cv2.putText(canvas, line, org, cv2.FONT_HERSHEY_SIMPLEX, scale,
                    (255, 255, 255), thick, cv2.LINE_AA)
    return canvas


def write_annotated(video: str, out: str, record: dict, result: dict,
                    meta: dict, kpt_thr: float,
                    max_frames: Optional[int]) -> None:
    """Skeleton overlay + scores on every frame, written atomically.

    Args:
        video (str): Source video.
        out (str): Destination ``.mp4``.
        record (dict): Pose record (``keypoint`` (1, T, V, 2),
            ``keypoint_score`` (1, T, V), ``boxes`` (1, T, 4)).
        result (dict): From :func:`aqa_mm.apis.inference_aqa`.
        meta (dict): The pose model's ``dataset_meta`` (skeleton links).
        kpt_thr (float): Keypoints below this score are not drawn.
        max_frames (int, optional): Frames to write (as extracted).
    """
    lines = caption_lines(result)
    reader = VideoReader(video, batch_size=8, max_frames=max_frames)
    writer = OverlayVideoWriter(out, reader.fps, meta, kpt_thr)
    kpts, scores, boxes = (record[k][0] for k in
                           ('keypoint', 'keypoint_score', 'boxes'))
    t = 0
    try:
        for frames in reader:
            for frame in frames:
                writer.write(draw_caption(frame, lines), kpts[t], scores[t],
                             boxes[t])
                t += 1
    except BaseException:
        writer.abort()
        raise
    finally:
        reader.close()
    writer.close()
