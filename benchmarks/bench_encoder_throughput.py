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

``--mode pretrain`` times the SME pretraining step instead: both masked views
of the batch (2 x 16 clips) through the shared encoder, Eq. 4's InfoNCE and
backward, in ``SMEPretrainer``, for SMEGCN and for mmaction2's STGCN turned
into a feature encoder (mean over persons, frames and joints, then an FC to
the same 256 channels as SMEGCN's); results go to
``benchmarks/results/encoder_throughput_pretrain.json``.
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
from typing import Callable, Dict, List, Optional

import torch
import torch.nn as nn
from mmaction.models import STGCN
from mmaction.models.utils import Graph
from mmengine.analysis import FlopAnalyzer
from mmengine.registry import init_default_scope

from aqa_mm.models.assessors import SMEPretrainer
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
    model = SMEPretrainer(encoder=dict(type='SMEGCN'))
    model.encoder = encoder
    return model


def pretrain_step(model: nn.Module, views: Dict[str, torch.Tensor]) -> None:
    """One SME pretraining forward + backward (no optimiser step)."""
    model.zero_grad(set_to_none=True)
    model(views, mode='loss')['loss_infonce'].backward()


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
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--out', default=None,
                        help='JSON to write (default benchmarks/results/'
                        'encoder_throughput[_pretrain].json)')
    args = parser.parse_args(argv)
    if args.out is None:
        suffix = '_pretrain' if args.mode == 'pretrain' else ''
        args.out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                'results', f'encoder_throughput{suffix}.json')
    if args.mode == 'pretrain' and args.official:
        parser.error('--official times the encoder alone; leave it out '
                     'with --mode pretrain')
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

    if args.mode == 'pretrain':
        x2 = torch.randn_like(x)  # the second masked view
        models = {'SMEGCN (ours)': pretrainer(ours),
                  'mmaction2 STGCN': pretrainer(
                      PooledSTGCN(ours.fc.out_features))}
        inputs = {name: dict(keypoint_var=x, keypoint_tem=x2)
                  for name in models}
        steps = {name: (lambda m=m, i=inputs[name]: pretrain_step(m, i))
                 for name, m in models.items()}
    else:
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
        encoder = model.encoder if args.mode == 'pretrain' else model
        clip = x[:1] if args.mode == 'pretrain' else inputs[name][:1]
        results[name] = dict(
            samples_per_s=statistics.median(runs[name]),
            runs=runs[name],
            params=sum(p.numel() for p in model.parameters()),
            gflops_per_clip=gflops(encoder, clip))
    ref = results['mmaction2 STGCN']['samples_per_s']
    what = ('SME pretraining (2 views per sample)' if args.mode == 'pretrain'
            else 'Training')
    print(f'\n{what} samples/s, batch {args.batch}, T={args.frames}, '
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
