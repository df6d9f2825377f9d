"""Throughput of VarianceMask and TemporalMask on AQA-7-sized clips.

One command, single thread::

    python benchmarks/bench_variance_mask.py

Times ``transform(dict(keypoint=kp))`` on float32 sequences of shape
(1, 103, 17, 3) (HRNet x, y, score after ``PreNormalize2D``), and a plain
loop implementation of Eq. 1-3 for comparison. Repeats of the compared
implementations alternate, so they share the machine's load; the medians
are printed as markdown table rows and written to
``benchmarks/results/variance_mask.json``. The masks are numpy transforms of
the data pipeline (they run in the dataloader workers), so ``--device``
takes ``cpu`` only.
"""
import os

# Single thread: must be set before numpy (and its BLAS) is imported.
for _var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[_var] = '1'

import argparse  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import (Callable, Dict, List, Optional, Sequence,  # noqa: E402
                    Tuple)

import numpy as np  # noqa: E402

from aqa_mm.datasets.transforms import TemporalMask, VarianceMask  # noqa

if __package__:  # imported as benchmarks.bench_variance_mask
    from .bench_utils import (RESULTS, add_device_args, check_device,  # noqa
                              command, write_json)
else:  # run as a script: benchmarks/ is on sys.path
    from bench_utils import (RESULTS, add_device_args, check_device,  # noqa
                             command, write_json)

SHAPE = (1, 103, 17, 3)  # (M, T, V, C)
ONLY_CPU = 'the masks are numpy transforms of the data pipeline'


def naive_variance_mask(keypoint: np.ndarray, mask_ratio: float, window: int,
                        center_joint: int = 8,
                        coord_channels: int = 2) -> np.ndarray:
    """Eq. 1-3 written directly, looping over frames t and window frames j.

    Args:
        keypoint (np.ndarray): Sequence, shape (M, T, V, C).
        mask_ratio (float): r_m.
        window (int): Half-window k.
        center_joint (int): Centre joint m. Defaults to 8.
        coord_channels (int): Coordinate channels. Defaults to 2.

    Returns:
        np.ndarray: Centred, masked sequence, shape (M, T, V, C).
    """
    x = keypoint.astype(np.float64)  # [M, T, V, C]
    num_frames = x.shape[1]
    for t in range(num_frames):  # Eq. 1
        x[:, t, :, :coord_channels] -= x[:, t, center_joint, None,
                                         :coord_channels]
    coords = x[..., :coord_channels]  # [M, T, V, Cc]
    degree = np.zeros(num_frames)  # [T]
    for t in range(num_frames):  # Eq. 2
        frames = range(max(0, t - window), min(num_frames - 1, t + window) + 1)
        mean = sum(coords[:, j] for j in frames) / len(frames)  # [M, V, Cc]
        for j in frames:
            degree[t] += ((coords[:, j] - mean)**2).sum()
    order = np.argsort(degree, kind='stable')  # Eq. 3, ties: earlier first
    x[:, order[:math.floor(mask_ratio * num_frames)]] = 0
    return x.astype(keypoint.dtype)


def make_clips(num: int, seed: int = 0) -> List[np.ndarray]:
    """Random clips of shape (1, 103, 17, 3): a random walk in [-1, 1]."""
    rng = np.random.default_rng(seed)
    clips = []
    for _ in range(num):
        xy = 0.02 * rng.normal(size=SHAPE[:3] + (2, )).cumsum(axis=1)
        score = rng.uniform(0.3, 1.0, size=SHAPE[:3] + (1, ))
        clips.append(np.concatenate([xy, score], -1).astype(np.float32))
    return clips


def throughput(func: Callable[[np.ndarray], object],
               clips: Sequence[np.ndarray], calls: int) -> Tuple[float, float]:
    """Sequences per second over ``calls`` calls cycling through ``clips``.

    Returns:
        tuple[float, float]: Per wall-clock second and per second of this
        process's CPU time (which leaves out time the OS gave to others).
    """
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(calls):
        func(clips[i % len(clips)])
    return (calls / (time.perf_counter() - wall),
            calls / (time.process_time() - cpu))


def main(argv: Optional[List[str]] = None) -> dict:
    """Check the masks against the loop, time them, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=9)
    parser.add_argument('--calls', type=int, default=2000,
                        help='calls per repeat (the loop version: calls/100)')
    parser.add_argument('--mask-ratio', type=float, default=0.38)
    parser.add_argument('--window', type=int, default=5)
    add_device_args(parser, amp=None, only_cpu=ONLY_CPU)
    parser.add_argument('--out', default=str(RESULTS / 'variance_mask.json'))
    args = parser.parse_args(argv)
    check_device(parser, args.device, ONLY_CPU)

    clips = make_clips(64)
    variance = VarianceMask(args.mask_ratio, args.window)
    temporal = TemporalMask(args.mask_ratio)
    for clip in clips[:4]:  # same output as the loop version
        np.testing.assert_allclose(
            variance(dict(keypoint=clip))['keypoint'],
            naive_variance_mask(clip, args.mask_ratio, args.window),
            atol=1e-6)
    naive = 'naive loop (Eq. 1-3)'
    funcs: Dict[str, Callable] = {
        'VarianceMask': lambda kp: variance(dict(keypoint=kp)),
        naive: lambda kp: naive_variance_mask(kp, args.mask_ratio,
                                              args.window),
        'TemporalMask': lambda kp: temporal(dict(keypoint=kp)),
    }
    runs: Dict[str, List[Tuple[float, float]]] = {n: [] for n in funcs}
    for func in funcs.values():  # warm-up
        throughput(func, clips, 20)
    for _ in range(args.repeats):  # interleaved: the same load for all
        for name, func in funcs.items():
            calls = args.calls // 100 if name == naive else args.calls
            runs[name].append(throughput(func, clips, max(calls, 5)))
    wall = {n: statistics.median(r[0] for r in runs[n]) for n in funcs}
    cpu = {n: statistics.median(r[1] for r in runs[n]) for n in funcs}

    print(f'| transform | input (M, T, V, C) | sequences/s, wall clock '
          f'(median of {args.repeats}) | sequences/s, CPU time | '
          f'vs naive loop (wall) |')
    print('|---|---|---|---|---|')
    for name in funcs:
        print(f'| {name} | {SHAPE} | {wall[name]:,.0f} | {cpu[name]:,.0f} | '
              f'{wall[name] / wall[naive]:.0f}x |')

    record = dict(
        command=command(__file__, sys.argv[1:] if argv is None else argv),
        device='cpu',
        shape=list(SHAPE), mask_ratio=args.mask_ratio, window=args.window,
        repeats=args.repeats, calls=args.calls, threads=1,
        median_wall_sequences_per_s=wall, median_cpu_sequences_per_s=cpu,
        speedup_variance_vs_naive=wall['VarianceMask'] / wall[naive],
        runs_wall_cpu=runs, numpy=np.__version__,
        python=platform.python_version(), machine=platform.machine(),
        cpus=os.cpu_count(), load_average=os.getloadavg(),
        date=time.strftime('%Y-%m-%dT%H:%M:%S%z'))
    write_json(record, args.out)
    return record


if __name__ == '__main__':
    main()
