"""Training throughput of the SMEGCN encoder against mmaction2's STGCN.

One command (CPU, 2 threads)::

    python benchmarks/bench_encoder_throughput.py [--official PATH]
        [--device cuda] [--amp] [--batch 64]

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

``--mode pretrain`` times the SME pretraining step instead: both masked views
of the batch (2 x 16 clips) through the shared encoder, Eq. 4's InfoNCE and
backward, in ``SMEPretrainer``, for SMEGCN and for mmaction2's STGCN turned
into a feature encoder (mean over persons, frames and joints, then an FC to
the same 256 channels as SMEGCN's); results go to
``benchmarks/results/encoder_throughput_pretrain.json``.

``--device cuda`` times on the GPU (``torch.cuda.synchronize`` before each
clock read; three warm-up steps; peak ``torch.cuda.max_memory_allocated``
of a step per model). ``--amp`` also times every model under
``torch.autocast`` (float16 on CUDA, bfloat16 on CPU), alternating with the
float32 runs; its rows are named ``<model> + AMP``.
"""
import argparse
import importlib.util
import os
import statistics
import sys
import types
from typing import Callable, Dict, List, Optional

import torch
import torch.nn as nn
from mmaction.models import STGCN
from mmaction.models.utils import Graph
from mmengine.analysis import FlopAnalyzer
from mmengine.registry import init_default_scope

from aqa_mm.models.assessors import SMEPretrainer
from aqa_mm.models.backbones import SMEGCN

if __package__:  # imported as benchmarks.bench_encoder_throughput
    from .bench_utils import (RESULTS, add_device_args, autocast,
                              check_device, device_name, peak_memory_mb,
                              relative, run_meta, seconds, write_json)
else:  # run as a script: benchmarks/ is on sys.path
    from bench_utils import (RESULTS, add_device_args, autocast,
                             check_device, device_name, peak_memory_mb,
                             relative, run_meta, seconds, write_json)


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


class PooledSTGCN(nn.Module):
    """mmaction2's STGCN as an (N, C) feature encoder for SMEPretrainer.

    Args:
        out_channels (int): Feature size after the FC.
    """

    def __init__(self, out_channels: int) -> None:
        super().__init__()
        self.gcn = STGCN(graph_cfg=dict(layout='coco', mode='stgcn_spatial'))
        self.fc = nn.Linear(256, out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, M, T, V, C) skeletons -> (N, out_channels) features."""
        feat = self.gcn(x)  # [N, M, 256, T', V]
        return self.fc(feat.mean(dim=(1, 3, 4)))


def pretrainer(encoder: nn.Module) -> nn.Module:
    """An ``SMEPretrainer`` (Eq. 4, τ = 0.1) around a built ``encoder``."""
    init_default_scope('mmaction')   # its data preprocessor is registered
    model = SMEPretrainer(backbone=dict(type='SMEGCN'))
    model.backbone = encoder
    return model


def pretrain_step(model: nn.Module, views: Dict[str, torch.Tensor]) -> None:
    """One SME pretraining forward + backward (no optimiser step)."""
    model.zero_grad(set_to_none=True)
    model(views, mode='loss')['loss_infonce'].backward()


def train_step(model: nn.Module, x: torch.Tensor) -> None:
    """One forward + backward (no optimiser step)."""
    model.zero_grad(set_to_none=True)
    model(x).float().mean().backward()


def samples_per_s(step: Callable[[], None], steps: int, batch: int,
                  device: torch.device = torch.device('cpu')) -> float:
    """Training samples per second over ``steps`` calls of ``step``."""
    return steps * batch / seconds(lambda: [step() for _ in range(steps)],
                                   device)


def autocast_step(step: Callable[[], None],
                  device: torch.device) -> Callable[[], None]:
    """``step`` under AMP: float16 autocast on CUDA, bfloat16 on CPU."""
    def run() -> None:
        with autocast(device):
            step()
    return run


def gflops(model: nn.Module, x: torch.Tensor) -> float:
    """GFLOPs (mmengine's count: one multiply-add = 1) for input ``x``."""
    analyzer = FlopAnalyzer(model.eval(), (x, ))
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    flops = analyzer.total() / 1e9
    model.train()
    return flops


def measure(steps: Dict[str, Callable[[], None]], repeats: int,
            steps_per_repeat: int, batch: int, device: torch.device):
    """Warm up, take each step's peak memory, then time alternating repeats.

    Returns:
        tuple[dict, dict]: name -> samples/s of each repeat; name -> peak
        MiB of one step (None on CPU).
    """
    for step in steps.values():  # warm-up (CUDA: kernels, cuDNN, allocator)
        for _ in range(3 if device.type == 'cuda' else 1):
            step()
    memory = {name: peak_memory_mb(step, device)
              for name, step in steps.items()}
    runs: Dict[str, List[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            runs[name].append(samples_per_s(step, steps_per_repeat, batch,
                                            device))
    return runs, memory


def report(results: Dict[str, dict]) -> Dict[str, float]:
    """Print the markdown table and return the speed ratios.

    Each row is compared with mmaction2's STGCN at the same precision.
    """
    print('| model | params | GFLOPs/clip | samples/s | vs STGCN | peak MiB |')
    print('|---|---|---|---|---|---|')
    for name, r in results.items():
        ref = results['mmaction2 STGCN' + (
            ' + AMP' if name.endswith(' + AMP') else '')]['samples_per_s']
        mem = ('-' if r['peak_memory_mb'] is None
               else f"{r['peak_memory_mb']:.0f}")
        print(f"| {name} | {r['params']:,} | {r['gflops_per_clip']:.3f} | "
              f"{r['samples_per_s']:.2f} | {r['samples_per_s'] / ref:.2f}× | "
              f"{mem} |")
    speed = {name: r['samples_per_s'] for name, r in results.items()}
    ratios = {'SMEGCN / STGCN': speed['SMEGCN (ours)']
              / speed['mmaction2 STGCN']}
    if 'official CTR-GCN' in speed:
        ratios['SMEGCN / official CTR-GCN'] = (
            speed['SMEGCN (ours)'] / speed['official CTR-GCN'])
    if 'SMEGCN (ours) + AMP' in speed:
        ratios['SMEGCN AMP / fp32'] = (
            speed['SMEGCN (ours) + AMP'] / speed['SMEGCN (ours)'])
    if 'official CTR-GCN + AMP' in speed:
        ratios['SMEGCN / official CTR-GCN, AMP'] = (
            speed['SMEGCN (ours) + AMP'] / speed['official CTR-GCN + AMP'])
    for key, value in ratios.items():
        print(f'\n{key}: {value:.2f}×')
    return ratios


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--mode', choices=['finetune', 'pretrain'],
                        default='finetune', help='encoder forward + '
                        'backward, or the siamese InfoNCE pretraining step')
    parser.add_argument('--official', metavar='PATH',
                        help='CTR-GCN checkout to time as well')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--steps', type=int, default=2,
                        help='training steps per repeat')
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--frames', type=int, default=103)
    parser.add_argument('--threads', type=int, default=2,
                        help='torch CPU threads')
    add_device_args(parser, amp='also time every model under autocast')
    parser.add_argument('--out', default=None,
                        help='JSON to write (default benchmarks/results/'
                        'encoder_throughput[_pretrain].json)')
    args = parser.parse_args(argv)
    if args.out is None:
        suffix = '_pretrain' if args.mode == 'pretrain' else ''
        args.out = str(RESULTS / f'encoder_throughput{suffix}.json')
    if args.mode == 'pretrain' and args.official:
        parser.error('--official times the encoder alone; leave it out '
                     'with --mode pretrain')
    if args.official and not os.path.isfile(
            os.path.join(args.official, 'model', 'ctrgcn.py')):
        parser.error(f'--official {args.official}: no model/ctrgcn.py there '
                     '(give the root of a CTR-GCN checkout)')
    device = check_device(parser, args.device)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    x = torch.randn(args.batch, 1, args.frames, 17, 3,  # [N, M, T, V, C]
                    device=device)
    ours = SMEGCN().to(device)
    models: Dict[str, nn.Module] = {
        'SMEGCN (ours)': ours,
        'mmaction2 STGCN': STGCN(graph_cfg=dict(
            layout='coco', mode='stgcn_spatial')).to(device),
    }
    inputs = {name: x for name in models}
    diff = None  # SMEGCN vs the official model with the same weights
    if args.official:
        official = load_official(args.official,
                                 ours.fc.out_features).to(device)
        ours.load_state_dict(official.state_dict())  # same weights
        x_off = x.permute(0, 4, 2, 3, 1).contiguous()  # [N, C, T, V, M]
        diff = (ours(x) - official(x_off)).abs().max().item()
        print(f'SMEGCN vs official CTR-GCN, same weights: max |diff| = '
              f'{diff:.2e}')
        models['official CTR-GCN'] = official
        inputs['official CTR-GCN'] = x_off

    if args.mode == 'pretrain':
        x2 = torch.randn_like(x)  # the second masked view
        models = {'SMEGCN (ours)': pretrainer(ours).to(device),
                  'mmaction2 STGCN': pretrainer(
                      PooledSTGCN(ours.fc.out_features)).to(device)}
        inputs = {name: dict(keypoint_var=x, keypoint_tem=x2)
                  for name in models}
        steps = {name: (lambda m=m, i=inputs[name]: pretrain_step(m, i))
                 for name, m in models.items()}
    else:
        steps = {name: (lambda m=m, i=inputs[name]: train_step(m, i))
                 for name, m in models.items()}
    if args.amp:
        for name in models:
            steps[f'{name} + AMP'] = autocast_step(steps[name], device)
    runs, memory = measure(steps, args.repeats, args.steps, args.batch,
                           device)
    results = {}
    for name, model in models.items():
        encoder = model.backbone if args.mode == 'pretrain' else model
        clip = x[:1] if args.mode == 'pretrain' else inputs[name][:1]
        flops = gflops(encoder, clip)
        for row in [name] + ([f'{name} + AMP'] if args.amp else []):
            results[row] = dict(
                samples_per_s=statistics.median(runs[row]), runs=runs[row],
                params=sum(p.numel() for p in model.parameters()),
                gflops_per_clip=flops, peak_memory_mb=memory[row])
    what = ('SME pretraining (2 views per sample)' if args.mode == 'pretrain'
            else 'Training')
    where = device_name(device, args.threads)
    print(f'\n{what} samples/s, batch {args.batch}, T={args.frames}, '
          f'V=17, M=1, {where}, median of {args.repeats}:\n')
    ratios = report(results)
    write_json(dict(
        run_meta(__file__, sys.argv[1:] if argv is None else argv),
        config=dict(vars(args), official=relative(args.official),
                    out=relative(args.out)),
        device=where, results=results, ratios=ratios,
        official_max_abs_diff=diff), args.out)


if __name__ == '__main__':
    main()
