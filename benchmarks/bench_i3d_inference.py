"""Inference throughput (clips/s) of aqa_mm's I3D, float32 and AMP.

One command (GPU)::

    python benchmarks/bench_i3d_inference.py --device cuda --amp
        [--batch 8] [--frames 16] [--size 224] [--repeats 5] [--steps 5]
        [--out benchmarks/results/i3d_inference.json]

Times ``I3D(out_type='feature')`` forwards (the RGB stream of 2M-AF, one
1024-d feature per clip) on random (N, 3, T, H, W) clips under
``torch.inference_mode``; the speed does not depend on the weights, so the
Kinetics-400 checkpoint is not loaded. On CUDA the clock is read after
``torch.cuda.synchronize`` and each precision's peak
``torch.cuda.max_memory_allocated`` of one forward is recorded. ``--amp``
also times the forward under ``torch.autocast`` (float16 on CUDA, bfloat16
on CPU), alternating with float32 repeat by repeat; medians are reported.
On CPU it runs too, e.g. ``--frames 8 --size 64 --batch 1`` for a check.
"""
import argparse
import statistics
import sys
import time
from typing import Dict, List, Optional, Tuple

import torch

from aqa_mm.models.backbones import I3D

if __package__:  # imported as benchmarks.bench_i3d_inference
    from .bench_utils import (RESULTS, add_device_args, autocast,
                              check_device, device_name, peak_memory_mb,
                              relative, run_meta, synchronize,
                              write_json)
else:  # run as a script: benchmarks/ is on sys.path
    from bench_utils import (RESULTS, add_device_args, autocast,
                             check_device, device_name, peak_memory_mb,
                             relative, run_meta, synchronize, write_json)


def clips_per_s(model: torch.nn.Module, clips: torch.Tensor, steps: int,
                amp: bool) -> float:
    """Clips per second over ``steps`` forwards of ``clips``.

    Args:
        model (nn.Module): The I3D, in eval mode, on ``clips.device``.
        clips (Tensor): (N, 3, T, H, W) input.
        steps (int): Forwards timed.
        amp (bool): Run under autocast.

    Returns:
        float: N * steps / seconds.
    """
    device = clips.device
    with torch.inference_mode(), autocast(device, amp):
        synchronize(device)
        start = time.perf_counter()
        for _ in range(steps):
            feat = model(clips)  # [N, 1024]
        synchronize(device)
        seconds = time.perf_counter() - start
    if not torch.isfinite(feat).all():
        raise FloatingPointError(f'I3D gave non-finite features '
                                 f'(amp={amp}, input {tuple(clips.shape)})')
    return clips.shape[0] * steps / seconds


def parse_args(argv: Optional[List[str]] = None
               ) -> Tuple[argparse.Namespace, torch.device]:
    """The options and the device; bad sizes are refused in one line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add_device_args(parser, amp='also time the forward under autocast')
    parser.add_argument('--batch', type=int, default=8,
                        help='clips per forward')
    parser.add_argument('--frames', type=int, default=16)
    parser.add_argument('--size', type=int, default=224,
                        help='frame height = width')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--steps', type=int, default=5,
                        help='forwards per repeat')
    parser.add_argument('--threads', type=int, default=2,
                        help='torch CPU threads')
    parser.add_argument('--out', default=str(RESULTS / 'i3d_inference.json'),
                        help='JSON to write')
    args = parser.parse_args(argv)
    for name in ('batch', 'frames', 'size', 'repeats', 'steps'):
        if getattr(args, name) < 1:
            parser.error(f'--{name} must be >= 1, got {getattr(args, name)}')
    return args, check_device(parser, args.device)


def main(argv: Optional[List[str]] = None) -> Dict[str, dict]:
    args, device = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = I3D().to(device).eval()
    clips = torch.randn(args.batch, 3, args.frames, args.size, args.size,
                        device=device)  # [N, C, T, H, W]
    precisions = {'fp32': False, **({'amp': True} if args.amp else {})}
    for amp in precisions.values():  # warm-up: kernels, cuDNN, allocator
        clips_per_s(model, clips, 2 if device.type == 'cuda' else 1, amp)
    memory = {name: peak_memory_mb(
        lambda amp=amp: clips_per_s(model, clips, 1, amp), device)
        for name, amp in precisions.items()}
    runs: Dict[str, List[float]] = {name: [] for name in precisions}
    for _ in range(args.repeats):
        for name, amp in precisions.items():
            runs[name].append(clips_per_s(model, clips, args.steps, amp))
    results = {name: dict(clips_per_s=statistics.median(runs[name]),
                          runs=runs[name], peak_memory_mb=memory[name])
               for name in precisions}
    where = device_name(device, args.threads)
    print(f'\nI3D inference, clips of {args.frames}x{args.size}x'
          f'{args.size}, batch {args.batch}, {where}, median of '
          f'{args.repeats} x {args.steps} forwards:\n')
    print('| precision | clips/s | peak MiB |\n|---|---|---|')
    for name, r in results.items():
        mem = '-' if r['peak_memory_mb'] is None else \
            f"{r['peak_memory_mb']:.0f}"
        print(f"| {name} | {r['clips_per_s']:.2f} | {mem} |")
    ratios = {}
    if args.amp:
        ratios['AMP / fp32'] = (results['amp']['clips_per_s']
                                / results['fp32']['clips_per_s'])
        print(f"\nAMP / fp32: {ratios['AMP / fp32']:.2f}×")
    write_json(dict(
        run_meta(__file__, sys.argv[1:] if argv is None else argv),
        config=dict(vars(args), out=relative(args.out)), device=where,
        results=results, ratios=ratios), args.out)
    return results


if __name__ == '__main__':
    main()
