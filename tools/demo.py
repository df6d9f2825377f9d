"""Score one video with 2M-AF: pose extraction, then the assessor.

    python tools/demo.py VIDEO --config CFG --checkpoint CKPT
        [--pose-backend hrnet|blazepose] [--pose-config NAME_OR_PATH]
        [--pose-checkpoint PATH_OR_URL | --random-weights]
        [--out-video out.mp4] [--out-json out.json] [--device cpu]
        [--max-frames N] [--batch-size 8] [--kpt-thr 0.3]
        [--min-person-score 0.3] [--cfg-options KEY=VALUE ...]

Extracts the athlete's skeleton with the same library and flags as
tools/extract_pose.py (detector-free tracking; HRNet with
``--pose-checkpoint`` or ``--random-weights``, else MediaPipe BlazePose,
which needs no download; it says which), scores the video with the config's
test pipeline (``aqa_mm.apis.inference_aqa``), prints the final score, each
stream's score and the stream PFM chose, and optionally writes an annotated
video (skeleton overlay + scores), atomically. ``--max-frames N`` scores only
the first N frames (both streams see the same frames). Exit status: 0 done,
2 bad input (named).
"""
import argparse
import json
import os.path as osp
import sys
import tempfile
from typing import List, Optional, Tuple

import cv2
import numpy as np
import torch
from mmengine.config import DictAction
from mmengine.logging import MMLogger

from aqa_mm.apis import format_result, inference_aqa, init_aqa_model
from aqa_mm.apis.inference import model_streams
from aqa_mm.pose import NoPersonError, VideoReader, VideoReadError
from aqa_mm.pose.pose_backend import (BACKENDS, build_pose_extractor,
                                      choose_backend, describe_backend)
from aqa_mm.pose.visualize import OverlayVideoWriter
from aqa_mm.utils import UserError, atomic_write_text, friendly_errors


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description='Score a video with 2M-AF '
                                '(pose extraction + assessor)')
    p.add_argument('video', help='video file')
    p.add_argument('--config', required=True, help='assessor config '
                   '(end to end, e.g. configs/2maf/2maf_synthetic.py)')
    p.add_argument('--checkpoint', default=None, help='assessor checkpoint')
    p.add_argument('--pose-backend', choices=BACKENDS, default=None,
                   help='pose estimator (default: hrnet when '
                   '--pose-checkpoint or --random-weights is given, else '
                   'blazepose)')
    p.add_argument('--pose-config', default=None, help='mmpose config path '
                   'or bundled name (default: HRNet-w32 COCO 256x192)')
    p.add_argument('--pose-checkpoint', default=None,
                   help='HRNet weights, a path or a URL')
    p.add_argument('--random-weights', action='store_true',
                   help='HRNet without a checkpoint (tests only)')
    p.add_argument('--out-video', default=None,
                   help='write an annotated video here (.mp4)')
    p.add_argument('--out-json', default=None,
                   help='write the result as JSON here')
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   help='override assessor config entries (keys must exist)')
    p.add_argument('--class-id', type=int, default=None,
                   help='action class of the video (e.g. AQA-7: 0 diving); '
                   'configs trained on per-class normalised scores need it '
                   'to print judges\' scores instead of [0, 100] values')
    p.add_argument('--device', default='cpu', help='cpu, cuda or cuda:N')
    p.add_argument('--max-frames', type=int, default=None,
                   help='score only the first N frames (quick checks)')
    p.add_argument('--batch-size', type=int, default=8,
                   help='HRNet: frames per pose forward pass')
    p.add_argument('--min-person-score', type=float, default=None,
                   help='fail when no keypoint score is above this '
                   '(default 0.3; 0 with --random-weights)')
    p.add_argument('--kpt-thr', type=float, default=0.3,
                   help='keypoints below this score are not drawn')
    return p.parse_args(argv)


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
        list[str]: Final score line, then one line per stream score.
    """
    prob = result.get('prob_rgb')
    lines = [f'score {result["score"]:.2f} ({result["stream"]}'
             + (f', p(rgb) {prob:.2f})' if prob is not None else ')')]
    lines += [f'{name}: {score:.2f}' + (' *' if name == result['stream']
                                        else '')
              for name, score in result['stream_scores'].items()]
    return lines


def draw_caption(frame: np.ndarray, lines: List[str]) -> np.ndarray:
    """Draw ``lines`` on a copy of ``frame`` (H, W, 3) BGR, top left."""
    canvas = frame.copy()
    scale = max(0.4, frame.shape[0] / 720)
    thick = max(1, round(2 * scale))
    step = int(32 * scale)
    for i, line in enumerate(lines):
        org = (int(10 * scale), step * (i + 1))
        cv2.putText(canvas, line, org, cv2.FONT_HERSHEY_SIMPLEX, scale,
                    (0, 0, 0), thick + 2, cv2.LINE_AA)
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


def pose_summary(record: dict, backend: str, kpt_thr: float) -> dict:
    """What the skeleton stream was given, for the JSON output.

    Args:
        record (dict): Pose record, ``keypoint_score`` (1, T, V).
        backend (str): The pose backend that made it.
        kpt_thr (float): Score of a confident joint.

    Returns:
        dict: ``backend``, ``frames_with_person`` (frames with any score
        > 0), ``mean_keypoint_score`` (over those frames) and
        ``median_confident_joints`` (joints >= ``kpt_thr`` per frame).
    """
    scores = record['keypoint_score'][0]  # (T, V)
    found = scores.max(1) > 0  # (T,)
    return dict(backend=backend, frames_with_person=int(found.sum()),
                mean_keypoint_score=float(scores[found].mean())
                if found.any() else 0.0,
                median_confident_joints=float(np.median(
                    (scores >= kpt_thr).sum(1))))


def extract_skeleton(args: argparse.Namespace, backend: str
                     ) -> Tuple[dict, dict]:
    """The athlete's pose record and the skeleton metainfo for drawing.

    Args:
        args (argparse.Namespace): Parsed arguments.
        backend (str): ``'hrnet'`` or ``'blazepose'``.

    Returns:
        tuple[dict, dict]: The pose record (see
        :mod:`aqa_mm.pose.extractor`) and the estimator's mmpose metainfo.

    Raises:
        UserError: Unreadable video, or no person in it.
    """
    min_score = args.min_person_score
    if min_score is None:
        min_score = 0.0 if args.random_weights else 0.3
    extractor = build_pose_extractor(
        backend, args.device, args.batch_size, min_score, args.pose_config,
        args.pose_checkpoint, args.random_weights)
    name = osp.splitext(osp.basename(args.video))[0]
    try:
        record = extractor.extract(args.video, name, args.max_frames)
    except (VideoReadError, NoPersonError) as exc:
        raise UserError(str(exc)) from exc
    return record, extractor.estimator.meta


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    # a quiet current logger: no per-parameter init listing from mmengine
    if not MMLogger.check_instance_created('aqa_mm_demo'):
        MMLogger.get_instance('aqa_mm_demo', log_level='WARNING')
    with friendly_errors('demo.py'):
        if args.max_frames is not None and args.max_frames < 1:
            raise UserError(f'--max-frames must be >= 1, got '
                            f'{args.max_frames}')
        if not osp.isfile(args.video):
            raise UserError(f'video not found: {args.video}')
        backend = choose_backend(args.pose_backend, args.pose_checkpoint,
                                 args.random_weights, args.pose_config)
        model = init_aqa_model(args.config, args.checkpoint, args.device,
                               cfg_options=args.cfg_options)
        streams = model_streams(model)
        print(f'demo.py: {describe_backend(backend, args.device)}')
        record, pose_meta = extract_skeleton(args, backend)
        with tempfile.TemporaryDirectory() as tmp:
            video = args.video
            if args.max_frames and 'rgb' in streams:
                video = trim_video(args.video, osp.join(
                    tmp, f'{record["frame_dir"]}.mp4'), args.max_frames)
            result = inference_aqa(model, dict(record, video=video),
                                   class_id=args.class_id)
        print(f'demo.py: {args.video}: {format_result(result)}')
        for stream, score in result['stream_scores'].items():
            print(f'  {stream:9s} {score:8.2f}'
                  f"{'  <- chosen' if stream == result['stream'] else ''}")
        if args.out_json:
            atomic_write_text(json.dumps(dict(
                result, video=args.video, frames=record['total_frames'],
                pose=pose_summary(record, backend, args.kpt_thr)),
                indent=2) + '\n', args.out_json)
        if args.out_video:
            write_annotated(args.video, args.out_video, record, result,
                            pose_meta, args.kpt_thr, args.max_frames)
            print(f'demo.py: annotated video: {args.out_video}')
    return 0


if __name__ == '__main__':
    torch.set_grad_enabled(False)
    sys.exit(main())
