"""Metrics of the steps of benchmarks/gpu_check.sh, read from their outputs.

Each function takes the work folder and the steps' captured output (label
-> text) and returns JSON-ready values; missing outputs give empty or None
values, never an exception, so one failed step does not hide the others.
"""
import glob
import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np


def scalars(run_dir: Path) -> List[dict]:
    """mmengine's per-log-interval records of a run (LocalVisBackend)."""
    files = sorted(glob.glob(str(run_dir / '*' / 'vis_data' / 'scalars.json')))
    if not files:
        return []
    return [json.loads(line) for line in Path(files[-1]).read_text()
            .splitlines() if line.strip()]


def run_summary(run_dir: Path) -> dict:
    """Losses (first, last, all finite), peak CUDA MiB and last val scores."""
    records = scalars(run_dir)
    losses = [r['loss'] for r in records if 'loss' in r]
    memory = [r['memory'] for r in records if 'memory' in r]
    val = [r for r in records if any(k.startswith('aqa/') for k in r)]
    return dict(
        records=len(records), first_loss=losses[0] if losses else None,
        last_loss=losses[-1] if losses else None,
        all_finite=bool(losses) and all(math.isfinite(v) for v in losses),
        # mmengine's LogProcessor: torch.cuda.max_memory_allocated, MiB
        max_memory_mib=max(memory) if memory else None,
        val={k: v for k, v in (val[-1] if val else {}).items()
             if k.startswith('aqa/')})


def train_metrics(work: Path, _out: Dict[str, str]) -> dict:
    """Each run's summary and the AMP / fp32 comparison per stage."""
    runs = {d: run_summary(work / d) for d in (
        'pretrain_fp32', 'pretrain_amp', 'finetune_fp32', 'finetune_amp')}
    result = dict(runs=runs)
    for stage in ('pretrain', 'finetune'):
        fp32, amp = runs[f'{stage}_fp32'], runs[f'{stage}_amp']
        if fp32['last_loss'] and amp['last_loss']:
            ratio = amp['last_loss'] / fp32['last_loss']
            result[f'{stage}_amp_over_fp32_last_loss'] = ratio
            result[f'{stage}_same_order'] = bool(
                0.1 <= ratio <= 10 and fp32['all_finite']
                and amp['all_finite'])
    return result


def junit_metrics(work: Path, _out: Dict[str, str]) -> dict:
    """Counts and failing test ids from pytest's JUnit XML."""
    path = work / 'tests.xml'
    if not path.is_file():
        return {}
    suite = ET.parse(path).getroot()
    suite = suite.find('testsuite') if suite.tag == 'testsuites' else suite
    failed = [f"{c.get('classname')}::{c.get('name')}" for c in suite.iter(
        'testcase') if c.find('failure') is not None
        or c.find('error') is not None]
    return dict({k: int(suite.get(k, 0)) for k in (
        'tests', 'failures', 'errors', 'skipped')}, failed=failed[:20])


def json_metrics(name: str) -> Callable[[Path, Dict[str, str]], dict]:
    """The ``results`` and ``ratios`` of a benchmark's JSON in ``work``."""
    def read(work: Path, _out: Dict[str, str]) -> dict:
        found = {}
        for path in sorted(work.glob(f'{name}*.json')):
            data = json.loads(path.read_text())
            found[path.stem] = dict(
                device=data.get('device'), ratios=data.get('ratios'),
                results={k: {m: v for m, v in r.items() if m != 'runs'}
                         for k, r in data['results'].items()})
        return found
    return read


def dist_metrics(work: Path, out: Dict[str, str]) -> dict:
    """Whether torchrun trained distributed, over NCCL, to the end."""
    log = '\n'.join(out.values())
    return dict(distributed='Distributed training: True' in log,
                nccl='NCCL INFO' in log,
                checkpoints=sorted(p.name for p in (work / 'dist').glob(
                    'epoch_*.pth')), run=run_summary(work / 'dist'))


def pose_metrics(work: Path, out: Dict[str, str]) -> dict:
    """frames/s that tools/extract_pose.py prints, and the pkls written."""
    fps = re.findall(r'([\d.]+) frames at ([\d.]+) frames/s', '\n'.join(
        out.values()))
    return dict(frames=int(fps[-1][0]) if fps else None,
                frames_per_s=float(fps[-1][1]) if fps else None,
                pkls=len(list((work / 'pose').glob('*.pkl'))))


def cache_metrics(work: Path, _out: Dict[str, str]) -> dict:
    """Per stream: the largest abs(device - cpu) / max abs(cpu) of the
    cached features."""
    a, b = work / 'cache_main', work / 'cache_cpu'
    names = sorted(p.name for p in a.glob('*.npz'))
    worst: Dict[str, float] = {}
    for name in names:
        if not (b / name).is_file():
            continue
        with np.load(a / name) as fa, np.load(b / name) as fb:
            for key in fa.files:
                scale = max(float(np.abs(fb[key]).max()), 1e-12)
                diff = float(np.abs(fa[key] - fb[key]).max()) / scale
                worst[key] = max(worst.get(key, 0.0), diff)
    return dict(files=len(names), max_rel_diff=worst)


def _num(value, spec: str = '.3g') -> str:
    return '-' if value is None else format(value, spec)


def headline(step: str, m: dict) -> str:
    """One line of a step's metrics for gpu_check.md (README cells)."""
    if step == 'tests' and m:
        return (f"{m['tests']} tests: {m['failures']} failed, {m['errors']} "
                f"errors, {m['skipped']} skipped {m['failed'] or ''}")
    if step == 'train' and m:
        parts = []
        for name, r in m['runs'].items():
            val = r['val'].get('aqa/spearman')
            parts.append(f"{name} loss {_num(r['first_loss'])}->"
                         f"{_num(r['last_loss'])}, {_num(r['max_memory_mib'])}"
                         f" MiB" + (f", rho {val:.3f}" if val is not None
                                    else ''))
        for stage in ('pretrain', 'finetune'):
            if f'{stage}_same_order' in m:
                parts.append(f"{stage} AMP/fp32 last loss "
                             f"{_num(m[f'{stage}_amp_over_fp32_last_loss'])}"
                             f" (same order, finite: "
                             f"{m[f'{stage}_same_order']})")
        return '; '.join(parts)
    if step == 'dist' and m:
        return (f"distributed {m['distributed']}, NCCL {m['nccl']}, "
                f"{len(m['checkpoints'])} epochs, loss "
                f"{_num(m['run']['last_loss'])}")
    if step in ('throughput', 'i3d') and m:
        unit = 'samples_per_s' if step == 'throughput' else 'clips_per_s'
        parts = []
        for name, bench in m.items():
            parts += [f"[{name}] {k} {_num(r[unit], '.1f')}"
                      for k, r in bench['results'].items()]
            parts += [f"{k} {v:.2f}x" for k, v in bench['ratios'].items()]
        return '; '.join(parts) + f' ({unit.replace("_per_s", "")}/s)'
    if step == 'pose' and m:
        return f"{m['frames']} frames at {_num(m['frames_per_s'])} frames/s"
    if step == 'cache' and m:
        diffs = ', '.join(f'{k} {v:.1e}' for k, v in m['max_rel_diff'].items())
        return (f"{m['files']} files, max abs(device - cpu) / max abs(cpu): "
                f"{diffs}")
    return json.dumps(m, separators=(',', ':'))[:300]
