"""One check of aqa_mm on a GPU: the speed benchmarks at short settings and
a short training, on ``--device cuda``.

    python benchmarks/gpu_check.py --device cuda [--only STEP ...]
        [--epochs 5] [--timeout-s 600] [--out FILE] [--work DIR]
    python benchmarks/gpu_check.py --dry-run     # the same steps, tiny, CPU

Steps, each a list of commands run in the repository root, one after
another (a command that fails or runs past ``--timeout-s`` is recorded, and
the check goes on):

* ``tests``: the model tests that follow ``AQA_TEST_DEVICE`` (SMEGCN, the SME
  pretrainer, the two-stream data preprocessor, the I3D benchmark) on the
  device; the dry run only collects them;
* ``encoder``: ``bench_encoder_throughput.py``, the finetuning and the
  pretraining step, float32 and AMP;
* ``i3d``: ``bench_i3d_inference.py``, float32 and AMP;
* ``2maf``: ``bench_2maf.py`` under AMP;
* ``pose``: ``bench_pose_extraction.py``, HRNet on the device (skipped
  without ``$AQA_DATA_DIR/videos/demo_skeleton.mp4``);
* ``train``: the built-in synthetic set, then ``tools/train.py``: SME-GCN
  pretraining, and finetuning from it with validation, in float32 and, on
  CUDA, with ``--amp``.

Writes ``benchmarks/results/gpu_check.json`` (the dry run: ``gpu_check.json``
in the work folder): the device (the card's name), the versions, and per
step its commands (status, seconds, the end of a failed one's output) and
metrics (the benchmarks' medians and ratios; the runs' losses, peak memory
and Spearman). The commands' output goes to ``WORK/logs/``. Exit status 0
when every step passed.
"""
import argparse
import importlib.metadata as metadata
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional

import torch

from aqa_mm.evaluation.results import read_scalars

if __package__:  # imported as benchmarks.gpu_check
    from .bench_utils import RESULTS, ROOT, check_device, run_meta, write_json
    from .gpu_check_steps import STEPS, Command, Plan, build_steps
else:  # run as a script: benchmarks/ is on sys.path
    from bench_utils import RESULTS, ROOT, check_device, run_meta, write_json
    from gpu_check_steps import STEPS, Command, Plan, build_steps


def run_command(cmd: Command, timeout: float, logs: Path) -> dict:
    """Run ``cmd`` in the repository root, its output to ``logs``; its
    process group is killed at ``timeout`` seconds."""
    log = logs / f'{cmd.label}.log'
    start = time.perf_counter()
    with open(log, 'w') as out:
        proc = subprocess.Popen(cmd.argv, cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT,
                                env=dict(os.environ, **cmd.env),
                                start_new_session=True)
        try:
            status = 'ok' if proc.wait(timeout=timeout) == 0 else 'failed'
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            status = 'timeout'
    record = dict(label=cmd.label, rc=proc.returncode, status=status,
                  seconds=round(time.perf_counter() - start, 2))
    if status != 'ok':
        record['error'] = log.read_text(errors='replace').splitlines()[-15:]
    return record


def summary(data, keep=('device', 'hrnet_device', 'results', 'ratios',
                         'latency', 'training')):
    """What a benchmark JSON measured (``keep``), without its per-repeat
    series."""
    if isinstance(data, dict):
        return {k: summary(v, None) for k, v in data.items()
                if (keep is None or k in keep) and k != 'runs'
                and not (isinstance(v, list) and v
                         and isinstance(v[0], (int, float)))}
    if isinstance(data, list):
        return [summary(v, None) for v in data]
    return data


def run_summary(work_dir: Path) -> dict:
    """Losses, peak CUDA MiB (mmengine's ``memory``) and the last
    Spearman of one training run."""
    losses = [r['loss'] for r in read_scalars(str(work_dir), 'loss').values()]
    memory = [r['memory'] for r in read_scalars(str(work_dir),
                                                'memory').values()]
    rho = [r['aqa/spearman']
           for r in read_scalars(str(work_dir), 'aqa/spearman').values()]
    return dict(first_loss=losses[0] if losses else None,
                last_loss=losses[-1] if losses else None,
                all_finite=bool(losses) and all(map(math.isfinite, losses)),
                max_memory_mib=max(memory) if memory else None,
                spearman=rho[-1] if rho else None)


def metrics(name: str, commands: List[Command], records: List[dict],
            work: Path) -> dict:
    """What a step's commands measured (empty where they wrote nothing)."""
    if name == 'tests':
        tail = records[0].get('error') or (work / 'logs' / 'pytest.log'
                                           ).read_text().splitlines()[-1:]
        return dict(summary=tail[-1] if tail else None)
    if name == 'train':
        return {c.label: run_summary(work / c.label) for c in commands[1:]
                if not c.skip}
    return {c.label: summary(json.loads(c.out.read_text()))
            for c in commands if c.out and c.out.is_file()}


def headline(name: str, found: dict) -> str:
    """One line of a step's metrics for the printed table."""
    if name == 'train':
        return '; '.join(
            f"{k} loss {r['first_loss']:.3g}->{r['last_loss']:.3g}"
            + (f", rho {r['spearman']:.3f}" if r['spearman'] is not None
               else '') for k, r in found.items() if r['last_loss'])
    if name == 'tests':
        return found.get('summary') or ''
    if name == '2maf' and found:
        lat, train = found['2maf']['latency'], found['2maf']['training']
        return (f"whole forward {lat['2M-AF (whole forward)']['median_s']:.3g}"
                f" s/video; cached PFM training "
                f"{train['cached features']['samples_per_s']:.3g} samples/s")
    if name == 'pose' and found:
        r = found['pose']['results'][0]
        return (f"batched / per-frame HRNet {r['speedup']:.2f}x; BlazePose /"
                f" batched HRNet {r['blazepose_vs_ours']:.2f}x")
    return '; '.join(f'{key} {value:.2f}x' for bench in found.values()
                     for key, value in (bench.get('ratios') or {}).items())


def environment() -> dict:
    """Python, torch, CUDA and the OpenMMLab stack's versions."""
    versions = {}
    for name in ('numpy', 'mmengine', 'mmcv-lite', 'mmaction2', 'mmpose'):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return dict(python=sys.version.split()[0], torch=torch.__version__,
                cuda=torch.version.cuda, cpus=os.cpu_count(),
                packages=versions)


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    """The options; ``--dry-run`` means the CPU and tiny sizes."""
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--device', default=None,
                   help='cuda, cuda:N (or cpu); the dry run: cpu')
    p.add_argument('--dry-run', action='store_true',
                   help='the same steps, tiny, on the CPU')
    p.add_argument('--only', nargs='+', choices=STEPS, metavar='STEP',
                   help=f'run these steps only: {", ".join(STEPS)}')
    p.add_argument('--epochs', type=int, default=None,
                   help='training epochs per run (default 5; dry run 1)')
    p.add_argument('--timeout-s', type=float, default=600,
                   help='seconds before a command is killed')
    p.add_argument('--out', default=None, help='results JSON (default '
                   'benchmarks/results/gpu_check.json; dry run: WORK/)')
    p.add_argument('--work', type=Path, default=None,
                   help='scratch folder (default: a new temporary one)')
    args = p.parse_args(argv)
    if args.dry_run and args.device not in (None, 'cpu'):
        p.error(f'--dry-run runs on the CPU, not --device {args.device}')
    args.device = args.device or ('cpu' if args.dry_run else 'cuda')
    args.torch_device = check_device(p, args.device)
    args.epochs = args.epochs or (1 if args.dry_run else 5)
    return args


def run_step(name: str, commands: List[Command], plan: Plan,
             timeout: float) -> dict:
    """Run a step's commands (skipped ones are recorded as such) and read
    what they measured."""
    records, start = [], time.perf_counter()
    for cmd in commands:
        record = (dict(label=cmd.label, status='skipped', reason=cmd.skip)
                  if cmd.skip else
                  run_command(cmd, timeout, plan.work / 'logs'))
        records.append(dict(record, argv=[plan.shown(a) for a in cmd.argv]))
    ran = {r['status'] for r in records} - {'skipped'}
    return dict(name=name, status=('skipped' if not ran else 'ok'
                                   if ran == {'ok'} else 'failed'),
                seconds=round(time.perf_counter() - start, 2),
                commands=records,
                metrics=metrics(name, commands, records, plan.work))


def main(argv: Optional[List[str]] = None) -> int:
    """Run the steps, write the JSON, print one line per step."""
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix='aqa_gpu_check_'))
    (work / 'logs').mkdir(parents=True, exist_ok=True)
    out = args.out or str(work / 'gpu_check.json' if args.dry_run
                          else RESULTS / 'gpu_check.json')
    plan = Plan(work, args.device, args.dry_run, args.epochs)
    steps = build_steps(plan)
    report = dict(run_meta(__file__, sys.argv[1:] if argv is None else argv),
                  mode='dry-run' if args.dry_run else 'check',
                  device=(torch.cuda.get_device_name(args.torch_device)
                          if args.torch_device.type == 'cuda' else 'cpu'),
                  environment=environment(), steps=[])
    print(f'gpu_check: {report["device"]}; work folder {work}', flush=True)
    for name in (s for s in STEPS if not args.only or s in args.only):
        step = run_step(name, steps[name], plan, args.timeout_s)
        report['steps'].append(step)
        print(f"| {name} | {step['status']} | {step['seconds']:.0f} s | "
              f"{headline(name, step['metrics'])} |", flush=True)
    write_json(report, out)
    bad = [s['name'] for s in report['steps'] if s['status'] == 'failed']
    print(f'gpu_check: not ok: {", ".join(bad) or "none"}; the commands\' '
          f'output is in {work / "logs"}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
