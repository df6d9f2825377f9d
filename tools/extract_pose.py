"""Extract the athlete's skeleton from videos: one pose pkl per video.

    python tools/extract_pose.py VIDEO_LIST_OR_DIR --out-dir DIR
        [--pose-backend hrnet|blazepose] [--pose-config NAME_OR_PATH]
        [--pose-checkpoint PATH_OR_URL | --random-weights]
        [--det-model NAME --det-checkpoint PATH_OR_URL]  (torchvision)
        [--det-config NAME_OR_PATH --det-checkpoint PATH_OR_URL]  (mmdet)
        [--athlete-box X1,Y1,X2,Y2]
        [--batch-size 8] [--shard i/n] [--device cpu|cuda] [--visualize]
        [--failures FILE] [--min-person-score 0.3] [--max-frames N]
        [--no-progress]

The pose backend is HRNet (mmpose) when ``--pose-checkpoint`` or
``--random-weights`` is given, BlazePose (MediaPipe, bundled, CPU)
otherwise; ``--pose-backend`` chooses explicitly. The tool prints which.

Under ``torchrun`` every rank takes its own shard, as with ``--shard``.
Rerunning skips finished videos. Then merge with tools/merge_poses.py.
Exit status: 0 all done, 1 some videos failed (listed in the failures file),
2 bad arguments. Details: docs/user_guides/pose_extraction.md.
"""
import argparse
import os
import os.path as osp
import sys
from typing import List, Optional, Tuple

import torch

from aqa_mm.pose import (MMDetPersonDetector, collect_videos, mmdet_available,
                         parse_shard, run_extraction, select_shard,
                         shard_from_env)
from aqa_mm.pose.pose_backend import (add_pose_backend_args,
                                      build_pose_extractor, choose_backend,
                                      describe_backend)
from aqa_mm.pose.video_list import parse_box
from aqa_mm.utils import UserError, friendly_errors


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    p = argparse.ArgumentParser(description='Extract athlete skeletons from '
                                'videos (HRNet through mmpose, or BlazePose '
                                'through MediaPipe)')
    p.add_argument('videos', help='folder of videos (searched recursively; '
                   'else of frame folders), a text file with one video path '
                   'or frame folder per line, or a .csv list (path,start,'
                   'end,id: frame ranges, e.g. dives of whole-event videos)')
    p.add_argument('--out-dir', required=True, help='output folder')
    add_pose_backend_args(p)
    p.add_argument('--athlete-box', default=None, metavar='X1,Y1,X2,Y2',
                   help='pixels around the athlete in the first frame: the '
                   'search starts from him (for every video whose CSV row '
                   'has no box column)')
    p.add_argument('--det-model', default=None,
                   help='torchvision COCO detector for person boxes, e.g. '
                   'fasterrcnn_resnet50_fpn_v2 (needs torchvision and '
                   '--det-checkpoint)')
    p.add_argument('--det-config', default=None,
                   help='mmdet config path or bundled name (needs mmdet)')
    p.add_argument('--det-checkpoint', default=None,
                   help='detector weights, a path or a URL (torchvision '
                   'state dict with --det-model, else mmdet)')
    p.add_argument('--det-score-thr', type=float, default=0.5,
                   help='minimum person detection score')
    p.add_argument('--batch-size', type=int, default=8,
                   help='HRNet: frames (person crops) per forward pass '
                   '(BlazePose runs frame by frame)')
    p.add_argument('--shard', default=None,
                   help='i/n: process shard i (0-based) of n')
    p.add_argument('--device', default=None,
                   help='cpu, cuda or cuda:N (default: cuda if available; '
                   'BlazePose always runs on the CPU)')
    p.add_argument('--visualize', action='store_true',
                   help='also write OUT_DIR/vis/<id>.mp4 overlay videos')
    p.add_argument('--failures', default=None, help='failures file (default '
                   'OUT_DIR/failures.txt, one per shard)')
    p.add_argument('--min-person-score', type=float, default=0.3,
                   help='a video whose best keypoint score is not above this '
                   'fails with "no person" (use 0 with --random-weights)')
    p.add_argument('--max-frames', type=int, default=None,
                   help='only the first N frames of each video (quick checks)')
    p.add_argument('--no-progress', action='store_true',
                   help='no progress bar')
    return p.parse_args(argv)


def get_shard(args: argparse.Namespace) -> Tuple[int, int]:
    """``--shard``, else the torchrun rank, else the whole list."""
    if args.shard:
        return parse_shard(args.shard)
    return shard_from_env() or (0, 1)


def get_device(device: Optional[str]) -> str:
    """Default to CUDA when present; plain ``cuda`` means this local rank."""
    device = device or ('cuda' if torch.cuda.is_available() else 'cpu')
    if device == 'cuda':
        device = f'cuda:{os.environ.get("LOCAL_RANK", "0")}'
    return device


def get_failures_file(args: argparse.Namespace, shard: Tuple[int, int]) -> str:
    """One failures file per shard, so parallel shards never clash."""
    path = args.failures or osp.join(args.out_dir, 'failures.txt')
    if shard[1] > 1:
        root, ext = osp.splitext(path)
        path = f'{root}.shard-{shard[0]}-of-{shard[1]}{ext}'
    return path


def build_detector(args: argparse.Namespace, device: str):
    """The person detector asked for (torchvision with ``--det-model``,
    mmdet with ``--det-config``/``--det-checkpoint``); None: BlazePose finds
    the athlete."""
    if args.det_model:
        if args.det_config:
            raise UserError('--det-model (torchvision) and --det-config '
                            '(mmdet) exclude each other')
        if not args.det_checkpoint:
            raise UserError('--det-model needs --det-checkpoint (a '
                            'torchvision state dict, a path or a URL)')
        from aqa_mm.pose.torchvision_detector import \
            TorchvisionPersonDetector
        return TorchvisionPersonDetector.from_files(
            args.det_model, args.det_checkpoint, device, args.det_score_thr)
    if args.det_config or args.det_checkpoint:
        if not mmdet_available():
            raise UserError('--det-config/--det-checkpoint need mmdet, which '
                            'is not importable (it needs mmcv with compiled '
                            'ops); use --det-model NAME (torchvision) '
                            'instead, or omit them: BlazePose then finds '
                            'the athlete')
        if not args.det_checkpoint:
            raise UserError('--det-config needs --det-checkpoint')
        return MMDetPersonDetector.from_files(
            args.det_config, args.det_checkpoint, device, args.det_score_thr)
    print('extract_pose.py: no person detector given; BlazePose finds '
          'the athlete, in every orientation, and never another person '
          '(docs/user_guides/pose_extraction.md)', file=sys.stderr)
    return None


def main(argv: Optional[List[str]] = None) -> int:
    """Extract the skeletons; returns 1 when some videos failed, else 0."""
    args = parse_args(argv)
    with friendly_errors('extract_pose.py'):
        for name in ('batch_size', 'max_frames'):
            value = getattr(args, name)
            if value is not None and value < 1:
                raise UserError(f'--{name.replace("_", "-")} must be >= 1, '
                                f'got {value}')
        backend = choose_backend(args.pose_backend, args.pose_checkpoint,
                                 args.random_weights, args.pose_config)
        shard = get_shard(args)
        box = parse_box(args.athlete_box) if args.athlete_box else None
        items = select_shard(collect_videos(args.videos), *shard)
        device = get_device(args.device)
        detector = build_detector(args, device)
        asked = device if backend == 'hrnet' else args.device or 'cpu'
        line = describe_backend(backend, asked, args.random_weights)
        print(f'extract_pose.py: {line}', file=sys.stderr)
        extractor = build_pose_extractor(
            backend, device, args.batch_size, args.min_person_score,
            args.pose_config, args.pose_checkpoint, args.random_weights,
            detector)
        failures = get_failures_file(args, shard)
        summary = run_extraction(items, args.out_dir, extractor, failures,
                                 args.visualize, args.max_frames,
                                 progress=not args.no_progress,
                                 athlete_box=box)
    print(f'extract_pose.py: shard {shard[0]}/{shard[1]}: {summary.done} '
          f'extracted, {summary.skipped} already done, '
          f'{len(summary.failed)} failed; {summary.frames} frames at '
          f'{summary.fps:.2f} frames/s; failures file: {failures}')
    return 1 if summary.failed else 0


if __name__ == '__main__':
    sys.exit(main())
