"""2M-AF efficiency: params/FLOPs (paper Table 10), inference latency per
video, and PFM training speed on cached features against end to end.

One command (CPU, 2 threads, about 2-4 minutes)::

    python benchmarks/bench_2maf.py [--config configs/2maf/2maf_aqa7.py]
        [--device cuda] [--amp] [--repeats 3] [--clips 10] [--size 224]
        [--frames 103] [--train-batch 4] [--train-clips 2]
        [--cached-steps 50]

Random weights throughout (no checkpoint is needed for timing).

(a) Parameters and FLOPs per part for one video at the config's test-time
    shapes (AQA-7: 10 clips x 16 x 224^2 and a 103-frame skeleton), through
    ``aqa_mm.analysis.flops`` (mmengine's FlopAnalyzer).
(b) Inference latency per video: the I3D stream, the SME-GCN stream, the PFM
    head and the whole forward, in eval mode without gradients; the parts
    alternate within each repeat so they share the machine's load; medians,
    and each part's share of the summed parts. Decoding and the pipeline are
    not included.
(c) Training samples/s of one PFM step (forward, loss, backward, Adam) on
    cached features (N, C) against the same step end to end with the frozen
    backbones (their forward runs every step), same batch; end to end uses
    ``--train-clips`` clips per video (fewer than the 10 of AQA-7 to keep the
    run short: its time grows linearly with the clips, so the table also
    gives the 10-clip estimate).

``--device cuda`` runs (b) and (c) on the GPU (the clock is read after
``torch.cuda.synchronize``); ``--amp`` runs them under ``torch.autocast``
(float16 on CUDA, bfloat16 on CPU). Medians are printed as markdown tables
and written, with every run, to ``benchmarks/results/bench_2maf.json``.
"""
import argparse
import statistics
import sys
import time
from typing import Dict, List

import torch
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from aqa_mm.analysis.flops import (complexity_table, default_shapes,
                                   model_complexity)
from aqa_mm.utils import atomic_write_text, register_all_modules

if __package__:  # imported as benchmarks.bench_2maf
    from .bench_utils import (RESULTS, ROOT, add_device_args, autocast,
                              check_device, device_name, relative, run_meta,
                              seconds, write_json)
else:  # run as a script: benchmarks/ is on sys.path
    from bench_utils import (RESULTS, ROOT, add_device_args, autocast,
                             check_device, device_name, relative, run_meta,
                             seconds, write_json)


def build_model(cfg: Config) -> torch.nn.Module:
    """The config's model with random weights (no init_cfg checkpoints)."""
    from aqa_mm.registry import MODELS
    torch.manual_seed(0)
    return MODELS.build(cfg.model)


def latency(model, shapes: Dict[str, tuple], repeats: int,
            amp: bool = False) -> Dict[str, Dict[str, object]]:
    """Seconds per video of each part and of the whole forward (b).

    Args:
        model (TwoStreamAssessor): In eval mode, on the device to time.
        shapes (dict[str, tuple]): ``rgb`` (clips, C, T, H, W) and
            ``skeleton`` (clips, M, T, V, C) of one video.
        repeats (int): Alternating repeats (after one warm-up).
        amp (bool): Under autocast. Defaults to False.

    Returns:
        dict: part → ``median_s`` and ``runs``.
    """
    device = next(model.parameters()).device
    x = {s: torch.randn((1, ) + tuple(v), device=device)
         for s, v in shapes.items()}
    raw = dict(imgs=x['rgb'], keypoint=x['skeleton'])
    with torch.no_grad(), autocast(device, amp):
        feats = model.extract_feat(raw)
        parts = {
            'RGB stream (I3D)': lambda: model.rgb_backbone(x['rgb'][0]),
            'Skeleton stream (SME-GCN)':
                lambda: model.skeleton_backbone(x['skeleton'][0]),
            'PFM head': lambda: model.head(feats),
            '2M-AF (whole forward)': lambda: model(raw, mode='tensor'),
        }
        for fn in parts.values():  # warm-up
            fn()
        runs: Dict[str, List[float]] = {name: [] for name in parts}
        for _ in range(repeats):
            for name, fn in parts.items():
                runs[name].append(seconds(fn, device))
    return {name: dict(median_s=statistics.median(r), runs=r)
            for name, r in runs.items()}


def samples(batch: int, score_mean: float = 50.0) -> List[ActionDataSample]:
    """Training targets: ``gt_score`` around the head's mean."""
    out = []
    for i in range(batch):
        s = ActionDataSample()
        s.set_field(torch.tensor(score_mean + 10.0 * (i % 3 - 1)),
                    'gt_score')
        out.append(s)
    return out


def train_speed(model, shapes: Dict[str, tuple], batch: int,
                train_clips: int, cached_steps: int, repeats: int,
                amp: bool = False) -> Dict[str, Dict[str, object]]:
    """Samples/s of a PFM training step, cached vs end to end (c).

    Args:
        model (TwoStreamAssessor): With frozen backbones.
        shapes (dict[str, tuple]): One video's inputs (the RGB clips are
            replaced by ``train_clips``).
        batch (int): Samples per step, both modes.
        train_clips (int): RGB clips per video end to end.
        cached_steps (int): Cached steps per repeat (one is too short to
            time).
        repeats (int): Alternating repeats (after one warm-up).
        amp (bool): Forward and loss under autocast. Defaults to False.

    Returns:
        dict: mode → ``samples_per_s`` (median), ``runs``, ``batch``.
    """
    device = next(model.parameters()).device
    model.train()
    optim = torch.optim.Adam([p for p in model.parameters()
                              if p.requires_grad], lr=5e-4)
    rgb = (train_clips, ) + tuple(shapes['rgb'][1:])
    raw = dict(imgs=torch.randn((batch, ) + rgb, device=device),
               keypoint=torch.randn((batch, ) + tuple(shapes['skeleton']),
                                    device=device))
    with torch.no_grad():
        cached = {f'feat_{s}': f.clone()
                  for s, f in model.extract_feat(raw).items()}
    targets = samples(batch, float(model.head.score_mean))

    def step(inputs):
        optim.zero_grad(set_to_none=True)
        with autocast(device, amp):
            losses = model(inputs, targets, mode='loss')
        sum(v for k, v in losses.items() if k.startswith('loss')).backward()
        optim.step()

    modes = {'cached features': (lambda: step(cached), cached_steps),
             f'end to end, frozen backbones ({train_clips} clips)':
                 (lambda: step(raw), 1)}
    for fn, _ in modes.values():  # warm-up
        fn()
    runs: Dict[str, List[float]] = {name: [] for name in modes}
    for _ in range(repeats):
        for name, (fn, steps) in modes.items():
            t = seconds(lambda: [fn() for _ in range(steps)], device)
            runs[name].append(steps * batch / t)
    return {name: dict(samples_per_s=statistics.median(r), runs=r,
                       batch=batch) for name, r in runs.items()}


def tables(flops: dict, lat: dict, train: dict, args, shapes) -> str:
    """The three markdown tables."""
    out = [f'**(a) Parameters and FLOPs**, one video: RGB {shapes["rgb"]}, '
           f'skeleton {shapes["skeleton"]} (mmengine FlopAnalyzer, '
           'multiply-add = 1 FLOP)\n', complexity_table(flops), '']
    parts = [k for k in lat if not k.startswith('2M-AF')]
    summed = sum(lat[k]['median_s'] for k in parts)
    out += [f'**(b) Inference latency per video** ({args.where}, median '
            f'of {args.repeats}; random weights; decoding excluded)\n', '| part | s / video | share |', '|---|---|---|']
    out += [f"| {k} | {lat[k]['median_s']:.3f} | "
            f"{100 * lat[k]['median_s'] / summed:.1f}% |" for k in parts]
    whole = [k for k in lat if k.startswith('2M-AF')][0]
    out += [f"| {whole} | {lat[whole]['median_s']:.3f} | |", '']
    out += [f'**(c) PFM training speed**, batch {args.train_batch}, '
            f'{args.where}, median of {args.repeats}\n',
            '| mode | samples/s | vs cached |', '|---|---|---|']
    ref = train['cached features']['samples_per_s']
    for k, r in train.items():
        out.append(f"| {k} | {r['samples_per_s']:.2f} | "
                   f"{r['samples_per_s'] / ref:.4f}× |")
    e2e = [r for k, r in train.items() if k != 'cached features'][0]
    est = e2e['samples_per_s'] * args.train_clips / shapes['rgb'][0]
    out.append(f'| end to end, {shapes["rgb"][0]} clips (estimate, linear '
               f'in clips) | {est:.2f} | {est / ref:.4f}× |')
    return '\n'.join(out)


def main(argv=None) -> dict:
    """Measure (a)-(c), print the tables and write the JSON."""
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config', default=str(
        ROOT / 'configs' / '2maf' / '2maf_aqa7.py'))
    add_device_args(p, amp='time (b) and (c) under autocast')
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--clips', type=int, default=None,
                   help='RGB clips per video (default: the config, 10)')
    p.add_argument('--size', type=int, default=None,
                   help='crop size (default: the config, 224)')
    p.add_argument('--frames', type=int, default=None,
                   help='skeleton frames (default: the config, 103)')
    p.add_argument('--train-batch', type=int, default=4)
    p.add_argument('--train-clips', type=int, default=2)
    p.add_argument('--cached-steps', type=int, default=50)
    p.add_argument('--out', default=str(RESULTS / 'bench_2maf.json'))
    p.add_argument('--markdown', default=None,
                   help='also write the tables to this file')
    args = p.parse_args(argv)
    device = check_device(p, args.device)
    torch.set_num_threads(args.threads)
    register_all_modules()
    cfg = Config.fromfile(args.config)
    shapes = {s: list(v) for s, v in default_shapes(cfg).items()}
    if args.clips:
        shapes['rgb'][0] = args.clips
    if args.size:
        shapes['rgb'][3:] = [args.size, args.size]
    if args.frames:
        shapes['skeleton'][2] = args.frames
    shapes = {s: tuple(v) for s, v in shapes.items()}
    model = build_model(cfg).eval()
    where = device_name(device, args.threads)
    args.where = ('CPU, ' if device.type == 'cpu' else '') + where + (
        ', AMP' if args.amp else '')

    start = time.perf_counter()
    flops = model_complexity(model, shapes)  # on the CPU: counts only
    model.to(device)
    lat = latency(model.eval(), shapes, args.repeats, args.amp)
    train = train_speed(model, shapes, args.train_batch, args.train_clips,
                        args.cached_steps, args.repeats, args.amp)
    text = tables(flops, lat, train, args, shapes)
    print(text)
    config = {k: v for k, v in vars(args).items() if k != 'where'}
    config.update({k: relative(config[k])
                   for k in ('config', 'out', 'markdown')})
    result = dict(run_meta(__file__, sys.argv[1:] if argv is None else argv),
                  config=config, device=where, shapes=shapes,
                  wall_s=time.perf_counter() - start, flops=flops,
                  latency=lat, training=train)
    write_json(result, args.out)
    if args.markdown:
        atomic_write_text(text + '\n', args.markdown)
    return result


if __name__ == '__main__':
    main()
