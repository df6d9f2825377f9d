"""Training throughput of the SMEGCN encoder against mmaction2's STGCN.

One command (CPU, 2 threads)::

    python benchmarks/bench_encoder_throughput.py [--official /tmp/CTR-GCN]

Times forward + backward on batches of (16, 1, 103, 17, 3) skeletons
(COCO-17, M = 1, T = 103) for ``SMEGCN`` and for mmaction2's
``STGCN(graph_cfg=dict(layout='coco', mode='stgcn_spatial'))``; with
``--official PATH`` (a checkout of https://github.com/Uason-Chen/CTR-GCN,
kept outside this repository) also the official CTR-GCN ``Model``, after
checking that SMEGCN gives the same outputs with its weights. Repeats of the
models alternate, so they share the machine's load; medians are printed as a
markdown table with the speed ratios and FLOPs per clip (mmengine's
FlopAnalyzer, batch 1), and written to
``benchmarks/results/encoder_throughput.json``.
"""
import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
import types
from typing import Callable, Dict, List

import torch
import torch.nn as nn
from mmaction.models import STGCN
from mmaction.models.utils import Graph
from mmengine.analysis import FlopAnalyzer

from aqa_mm.models.backbones import SMEGCN
from aqa_mm.utils.io import atomic_write_text


def load_official(path: str, out_channels: int) -> nn.Module:
    """Build the official CTR-GCN ``Model`` for COCO-17, M = 1.

    Its ``graph`` argument names a class to import; an adapter module
    provides one whose ``A`` is mmaction2's COCO-17 spatial graph.

    Args:
        path (str): Root of a CTR-GCN checkout (holding ``model/ctrgcn.py``).
        out_channels (int): Its ``num_class``, sized like SMEGCN's FC.

    Returns:
        nn.Module: The model; it takes (N, C, T, V, M).
    """
    adapter = types.ModuleType('_aqa_coco_graph')
    adapter.Graph = type('Graph', (), {
        '__init__': lambda self: setattr(
            self, 'A', Graph(layout='coco', mode='spatial').A)})
    sys.modules[adapter.__name__] = adapter
    spec = importlib.util.spec_from_file_location(
        '_official_ctrgcn', f'{path}/model/ctrgcn.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Model(num_class=out_channels, num_point=17, num_person=1,
                        graph=f'{adapter.__name__}.Graph')


def train_step(model: nn.Module, x: torch.Tensor) -> None:
    """One forward + backward (no optimiser step)."""
    model.zero_grad(set_to_none=True)
    model(x).float().mean().backward()


def samples_per_s(step: Callable[[], None], steps: int, batch: int) -> float:
    """Training samples per second over ``steps`` calls of ``step``."""
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return steps * batch / (time.perf_counter() - start)


def gflops(model: nn.Module, x: torch.Tensor) -> float:
    """GFLOPs (mmengine's count: one multiply-add = 1) for input ``x``."""
    analyzer = FlopAnalyzer(model.eval(), (x, ))
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    flops = analyzer.total() / 1e9
    model.train()
    return flops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--official', metavar='PATH',
                        help='CTR-GCN checkout to time as well')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--steps', type=int, default=2,
                        help='training steps per repeat')
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--frames', type=int, default=103)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--out', default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'results',
        'encoder_throughput.json'))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    x = torch.randn(args.batch, 1, args.frames, 17, 3)  # [N, M, T, V, C]
    ours = SMEGCN()
    models: Dict[str, nn.Module] = {
        'SMEGCN (ours)': ours,
        'mmaction2 STGCN': STGCN(graph_cfg=dict(layout='coco',
                                                mode='stgcn_spatial')),
    }
    inputs = {name: x for name in models}
    if args.official:
        official = load_official(args.official, ours.fc.out_features)
        ours.load_state_dict(official.state_dict())  # same weights
        x_off = x.permute(0, 4, 2, 3, 1).contiguous()  # [N, C, T, V, M]
        diff = (ours(x) - official(x_off)).abs().max().item()
        print(f'SMEGCN vs official CTR-GCN, same weights: max |diff| = '
              f'{diff:.2e}')
        models['official CTR-GCN'] = official
        inputs['official CTR-GCN'] = x_off

    steps = {name: (lambda m=m, i=inputs[name]: train_step(m, i))
             for name, m in models.items()}
    for step in steps.values():  # warm-up
        step()
    runs: Dict[str, List[float]] = {name: [] for name in models}
    for _ in range(args.repeats):
        for name, step in steps.items():
            runs[name].append(samples_per_s(step, args.steps, args.batch))

    results = {}
    for name, model in models.items():
        clip = inputs[name][:1]
        results[name] = dict(
            samples_per_s=statistics.median(runs[name]),
            runs=runs[name],
            params=sum(p.numel() for p in model.parameters()),
            gflops_per_clip=gflops(model, clip))
    ref = results['mmaction2 STGCN']['samples_per_s']
    print(f'\nTraining samples/s, batch {args.batch}, T={args.frames}, '
          f'V=17, M=1, {args.threads} threads, median of {args.repeats}:\n')
    print('| model | params | GFLOPs/clip | samples/s | vs STGCN |')
    print('|---|---|---|---|---|')
    for name, r in results.items():
        print(f"| {name} | {r['params']:,} | {r['gflops_per_clip']:.3f} | "
              f"{r['samples_per_s']:.2f} | {r['samples_per_s'] / ref:.2f}× |")
    ratios = {'SMEGCN / STGCN': results['SMEGCN (ours)']['samples_per_s']
              / ref}
    if args.official:
        ratios['SMEGCN / official CTR-GCN'] = (
            results['SMEGCN (ours)']['samples_per_s']
            / results['official CTR-GCN']['samples_per_s'])
    for key, value in ratios.items():
        print(f'\n{key}: {value:.2f}×')
    atomic_write_text(json.dumps(dict(
        config=vars(args), torch=torch.__version__,
        machine=platform.machine(), processor=platform.processor(),
        results=results, ratios=ratios), indent=2) + '\n', args.out)
    print(f'\nwritten to {args.out}')


if __name__ == '__main__':
    main()
