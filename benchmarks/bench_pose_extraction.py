"""Frames/s of the batched pose extractor vs per-frame inference_topdown,
and of the BlazePose backend.

All run in the same process, on the same real video, HRNet-w32 with the
same random weights (the speed does not depend on the weights), and
alternate repeat by repeat so machine load hits them alike; medians are
reported.

* **baseline**: decode each frame, then ``mmpose.apis.inference_topdown``
  on it (whole-frame box), one call per frame: the usual way to run mmpose
  on a video.
* **ours**: :meth:`aqa_mm.pose.PoseExtractor.extract`, the full per-video
  path of tools/extract_pose.py (decode, athlete box, batched crops through
  the network, record).
* **blazepose**: the same ``PoseExtractor.extract`` with MediaPipe BlazePose
  (``--pose-backend blazepose``: frame by frame, on the crop around the
  athlete; always on the CPU). MediaPipe runs its own threads, outside
  torch's setting; the CPU time per wall-clock second of each path is
  recorded (``cpu_load``).

    python benchmarks/bench_pose_extraction.py [--video PATH] [--frames N]
        [--device cuda] [--repeats 3] [--batch-size 8] [--threads 1 [2 ...]]
        [--out benchmarks/results/pose_extraction.json]

``--video`` defaults to ``$AQA_DATA_DIR/videos/demo_skeleton.mp4``.
``--device`` places the two HRNet paths (no ``--amp``: the extractor has
no autocast path).

Thread count: one torch thread by default. On a shared machine, two threads
per process oversubscribe the cores and the per-frame loop's many small ops
suffer far more than batched ops, which would inflate the speed-up.
"""
import argparse
import os
import platform
import statistics
import sys
import time
from typing import Callable, Dict, List, Optional, Tuple

import torch
from mmengine.registry import DefaultScope

from aqa_mm.pose import (BatchedTopdown, PoseExtractor, VideoReader,
                         build_pose_extractor, init_pose_model)

if __package__:  # imported as benchmarks.bench_pose_extraction
    from .bench_utils import (RESULTS, add_device_args, check_device,
                              device_name, relative, run_meta, write_json)
else:  # run as a script: benchmarks/ is on sys.path
    from bench_utils import (RESULTS, add_device_args, check_device,
                             device_name, relative, run_meta, write_json)

TARGET = 1.5
VIDEO = os.path.join('videos', 'demo_skeleton.mp4')  # under $AQA_DATA_DIR


def parse_args(argv: Optional[List[str]] = None
               ) -> Tuple[argparse.Namespace, torch.device]:
    """The options and the HRNet device; a missing video in one line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data = os.environ.get('AQA_DATA_DIR')
    p.add_argument('--video', default=data and os.path.join(data, VIDEO),
                   help=f'default: $AQA_DATA_DIR/{VIDEO}')
    p.add_argument('--frames', type=int, default=None,
                   help='first N frames (default: all)')
    add_device_args(p, amp=None)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--batch-size', type=int, default=8)
    p.add_argument('--threads', type=int, nargs='+', default=[1],
                   help='torch thread counts to measure (each separately)')
    p.add_argument('--out', default=str(RESULTS / 'pose_extraction.json'))
    args = p.parse_args(argv)
    device = check_device(p, args.device)
    if not args.video or not os.path.isfile(args.video):
        p.error(f'video not found: {args.video or f"$AQA_DATA_DIR/{VIDEO}"}'
                ' (give --video or set AQA_DATA_DIR)')
    return args, device


def per_frame_loop(model: torch.nn.Module, video: str,
                   frames: Optional[int]) -> int:
    """The baseline: one ``inference_topdown`` call per decoded frame."""
    from mmpose.apis import inference_topdown
    count = 0
    with DefaultScope.overwrite_default_scope('mmpose'):
        for batch in VideoReader(video, 1, frames):
            inference_topdown(model, batch[0])
            count += 1
    return count


def timed(fn: Callable[[], int]) -> Tuple[float, int, float]:
    """Frames/s, frame count and CPU seconds per wall-clock second of one
    call of ``fn`` (which returns its frame count)."""
    start, cpu = time.perf_counter(), time.process_time()
    count = fn()
    wall = time.perf_counter() - start
    return count / wall, count, (time.process_time() - cpu) / wall


def measure(paths: Dict[str, Callable[..., int]], repeats: int,
            threads: int) -> dict:
    """Interleaved repeats of every path at ``threads`` torch threads."""
    torch.set_num_threads(threads)
    for fn in paths.values():  # warm-up: kernel selection, lazy imports
        fn(2)
    runs = {name: [] for name in paths}
    cpu_load = {name: [] for name in paths}
    counts, load = set(), [os.getloadavg()[0]]
    for rep in range(repeats):
        for name, fn in paths.items():
            fps, count, busy = timed(fn)
            runs[name].append(fps)
            cpu_load[name].append(busy)
            counts.add(count)
        print(f'threads {threads}, repeat {rep + 1}/{repeats}: ' + ', '.join(
            f'{name} {runs[name][-1]:.3f} frames/s' for name in paths),
            flush=True)
    load.append(os.getloadavg()[0])
    assert len(counts) == 1, f'frame counts differ: {counts}'
    med = {k: statistics.median(v) for k, v in runs.items()}
    result = dict(torch_threads=threads, frames=counts.pop())
    for name in paths:
        result[f'{name}_fps'] = runs[name]
        result[f'{name}_fps_median'] = med[name]
        result[f'{name}_cpu_load_median'] = statistics.median(cpu_load[name])
    result['speedup'] = med['ours'] / med['baseline']
    result['blazepose_vs_ours'] = med['blazepose'] / med['ours']
    result['load_average_1min'] = load
    return result


def main(argv: Optional[List[str]] = None) -> dict:
    """Measure every path at each thread count and write the JSON."""
    args, device = parse_args(argv)
    baseline_model = init_pose_model(device=args.device, random_weights=True)
    ours_model = init_pose_model(device=args.device, random_weights=True)
    extractor = PoseExtractor(BatchedTopdown(ours_model, args.batch_size),
                              batch_size=args.batch_size,
                              min_person_score=-1)  # random weights: ~0

    def ours(frames: Optional[int] = args.frames) -> int:
        return extractor.extract(args.video, 'bench', frames)['total_frames']

    def baseline(frames: Optional[int] = args.frames) -> int:
        return per_frame_loop(baseline_model, args.video, frames)

    blaze = build_pose_extractor('blazepose', 'cpu', min_person_score=0)

    def blazepose(frames: Optional[int] = args.frames) -> int:
        return blaze.extract(args.video, 'bench', frames)['total_frames']

    paths = dict(baseline=baseline, ours=ours, blazepose=blazepose)
    results = [measure(paths, args.repeats, t) for t in args.threads]
    meta = run_meta(__file__, sys.argv[1:] if argv is None else argv)
    result = dict(
        video=relative(args.video), device=args.device,
        hrnet_device=device_name(device, args.threads[0]),
        blazepose_device='cpu',
        cpu=platform.processor() or platform.machine(),
        cpu_count=os.cpu_count(), batch_size=args.batch_size,
        repeats=args.repeats,
        weights='random (seed 0), HRNet-w32 COCO 256x192, flip test on',
        baseline='per-frame mmpose.apis.inference_topdown (whole frame)',
        ours='aqa_mm.pose.PoseExtractor.extract (tools/extract_pose.py)',
        blazepose='PoseExtractor.extract with MediaPipe BlazePose '
        '(--pose-backend blazepose)',
        target=TARGET, results=results, command=meta['command'],
        date=meta['date'], torch=meta['torch'])
    write_json(result, args.out)
    print(f'\n{results[0]["frames"]} frames of {result["video"]}, '
          f'HRNet on {result["hrnet_device"]}, '
          f'batch {args.batch_size}, median of {args.repeats}\n\n'
          '| torch threads | per-frame `inference_topdown` (frames/s) | '
          'batched HRNet extractor (frames/s) | speed-up | BlazePose '
          'extractor (frames/s) | BlazePose / batched HRNet |\n'
          '|---|---|---|---|---|---|')
    for r in results:
        print(f'| {r["torch_threads"]} | {r["baseline_fps_median"]:.3f} | '
              f'{r["ours_fps_median"]:.3f} | {r["speedup"]:.2f}x | '
              f'{r["blazepose_fps_median"]:.3f} | '
              f'{r["blazepose_vs_ours"]:.2f}x |')
        print('CPU seconds per second (median): ' + ', '.join(
            f'{k} {r[f"{k}_cpu_load_median"]:.2f}'
            for k in ('baseline', 'ours', 'blazepose')))
    print(f'\ntarget {TARGET}x')
    return result


if __name__ == '__main__':
    main()
