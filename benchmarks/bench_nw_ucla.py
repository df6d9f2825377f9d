"""NW-UCLA cross-view top-1 of SME-GCN on real skeletons, under a CPU budget.

One command (the README's numbers: a 2-core machine, two lanes of one
thread each)::

    python benchmarks/bench_nw_ucla.py --lanes 2 --threads 1

Trains, each with ``tools/train.py``:

1. ``scratch``: SME-GCN's encoder (the CTR-GCN reimplementation) + GCNHead
   from random init, ``configs/sme_gcn/transfer/nw_ucla_xview_scratch.py``:
   the official CTR-GCN NW-UCLA recipe scaled to 1/5 (13 epochs of 5 passes
   over the 1,020 view-1+2 sequences, SGD nesterov lr 0.1, step at epoch 10,
   batch 16, 52 frames, the reference feeder's rotation / scaling / min-max
   augmentation). The reference, the official code on this machine kind:
   73.3 % (epoch 5), 83.6 % (10), 89.66 % (13), 67 minutes.
2. ``pretrain``: SME InfoNCE pretraining (variance + temporal views) on the
   training views only, ``nw_ucla_xview_pretrain_cpu.py`` (5 passes).
3. ``finetune``: the scratch recipe from the pretrained encoder.
4. ``linear_probe``: the pretrained encoder frozen (weights and BN
   statistics), only GCNHead's fc trains, ``--probe-epochs`` epochs.
5. ``linear_probe_random`` (with ``--random-probe``): the same probe on a
   frozen randomly initialised encoder, the control the SSL probe must beat.

With ``--lanes 1`` (default) the steps run one after the other; with
``--lanes 2`` in two processes at a time: ``scratch`` (then
``linear_probe_random``) beside ``pretrain`` → ``finetune`` →
``linear_probe``. ``--threads`` is per process. On 2 cores, two 1-thread
processes do more work than one 2-thread process (measured here: scratch at
0.9-1.1 s per iteration alone with 2 threads, 1.6 s with 1 thread beside a
1-thread pretraining), while two 2-thread processes slow each other down
about threefold: never run more threads than cores.

Every step resumes from its work dir after a kill and is skipped when its last
checkpoint exists, so the command can be run again until it completes.
Accuracy is read from each run's ``vis_data/scalars.json`` (the last epoch is
the result; view 3 is the test set, so no best-epoch picking); wall time from
the first and last lines of its logs. Results go to
``benchmarks/results/nw_ucla.json`` and a markdown table on stdout.
"""
import argparse
import datetime
import glob
import json
import os
import os.path as osp
import platform
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from aqa_mm.utils.io import atomic_write_text  # noqa: E402

CONFIGS = osp.join(ROOT, 'configs', 'sme_gcn', 'transfer')
REFERENCE = {'epoch_5': 73.3, 'epoch_10': 83.6, 'final': 89.66,
             'minutes': 67}
STEPS = ('scratch', 'pretrain', 'finetune', 'linear_probe',
         'linear_probe_random')


def step_plan(args: argparse.Namespace) -> Dict[str, dict]:
    """Config, overrides and final epoch of every step.

    Args:
        args (argparse.Namespace): Parsed command line.

    Returns:
        dict: step name -> ``dict(config, options, epochs)``.
    """
    data = ['train_dataloader.dataset.dataset.ann_file=' + args.ann_file,
            'val_dataloader.dataset.ann_file=' + args.ann_file,
            'test_dataloader.dataset.ann_file=' + args.ann_file]
    encoder = osp.join(args.work_dir, 'pretrain', 'epoch_1.pth')
    probe = [f'train_cfg.max_epochs={args.probe_epochs}',
             'train_cfg.val_interval=1']
    return {
        'scratch': dict(config='nw_ucla_xview_scratch.py', options=data,
                        epochs=13),
        'pretrain': dict(config='nw_ucla_xview_pretrain_cpu.py',
                         options=data[:1], epochs=1),
        'finetune': dict(config='nw_ucla_xview_finetune.py', epochs=13,
                         options=data + [
                             'model.backbone.init_cfg.checkpoint=' + encoder]),
        'linear_probe': dict(config='nw_ucla_xview_linear_probe.py',
                             epochs=args.probe_epochs,
                             options=data + probe + [
                                 'model.backbone.init_cfg.checkpoint=' +
                                 encoder]),
        'linear_probe_random': dict(config='nw_ucla_xview_linear_probe.py',
                                    epochs=args.probe_epochs,
                                    options=data + probe + [
                                        'model.backbone.init_cfg=None']),
    }


def run_step(name: str, plan: dict, args: argparse.Namespace) -> None:
    """Train one step (resuming), unless its last checkpoint exists.

    Args:
        name (str): Step name, also its folder under ``args.work_dir``.
        plan (dict): ``dict(config, options, epochs)`` from
            :func:`step_plan`.
        args (argparse.Namespace): Parsed command line.

    Raises:
        RuntimeError: When ``tools/train.py`` fails; names the log.
    """
    work_dir = osp.join(args.work_dir, name)
    if osp.exists(osp.join(work_dir, f'epoch_{plan["epochs"]}.pth')):
        print(f'[{name}] done already ({work_dir})', flush=True)
        return
    cmd = [sys.executable, osp.join(ROOT, 'tools', 'train.py'),
           osp.join(CONFIGS, plan['config']), '--work-dir', work_dir,
           '--cfg-options', *plan['options']]
    if glob.glob(osp.join(work_dir, 'epoch_*.pth')):
        cmd.insert(-len(plan['options']) - 1, '--resume')
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads),
               MKL_NUM_THREADS=str(args.threads))
    os.makedirs(work_dir, exist_ok=True)
    out = osp.join(args.work_dir, f'{name}.out')
    print(f'[{name}] {" ".join(cmd)}\n[{name}] output: {out}', flush=True)
    with open(out, 'a') as f:
        code = subprocess.call(cmd, stdout=f, stderr=subprocess.STDOUT,
                               env=env, cwd=ROOT)
    if code != 0:
        raise RuntimeError(f'{name}: tools/train.py exited with {code}; see '
                           f'{out}')


def _log_time(line: str) -> Optional[datetime.datetime]:
    """Timestamp of an mmengine log line, or None for other lines.

    Log files write ``YYYY/MM/DD HH:MM:SS - ...``, the console
    ``MM/DD HH:MM:SS - ...``; both are read.
    """
    for width, fmt in ((19, '%Y/%m/%d %H:%M:%S'), (14, '%m/%d %H:%M:%S')):
        try:
            return datetime.datetime.strptime(line[:width], fmt)
        except ValueError:
            continue
    return None


def read_scalars(work_dir: str, key: str) -> Dict[int, dict]:
    """The ``vis_data/scalars.json`` records that have ``key``, by step.

    Args:
        work_dir (str): A ``tools/train.py`` work dir (one timestamped
            folder per run, resumed runs included; a later run's record
            replaces an earlier one of the same step).
        key (str): A scalar name, e.g. ``'acc/top1'``.

    Returns:
        dict[int, dict]: step -> the whole record.
    """
    records = {}
    for run in sorted(glob.glob(osp.join(work_dir, '2*', ''))):
        scalars = osp.join(run, 'vis_data', 'scalars.json')
        if osp.exists(scalars):
            with open(scalars) as f:
                for line in f:
                    rec = json.loads(line)
                    if key in rec:
                        records[int(rec['step'])] = rec
    return records


def read_step(work_dir: str) -> dict:
    """Validation top-1 per epoch and training wall time of a work dir.

    Args:
        work_dir (str): A ``tools/train.py`` work dir (one timestamped
            folder per run, resumed runs included).

    Returns:
        dict: ``top1`` {epoch: %} (the last run's value for an epoch run
        twice), ``minutes`` (sum over runs of last-minus-first log line).
    """
    top1 = {step: 100 * rec['acc/top1']
            for step, rec in read_scalars(work_dir, 'acc/top1').items()}
    minutes = 0.0
    for run in sorted(glob.glob(osp.join(work_dir, '2*', ''))):
        for log in glob.glob(osp.join(run, '*.log')):
            with open(log) as f:
                times = [t for t in map(_log_time, f) if t is not None]
            if len(times) > 1:
                minutes += (times[-1] - times[0]).total_seconds() / 60
    return dict(top1=dict(sorted(top1.items())), minutes=round(minutes, 1))


def table(results: Dict[str, dict]) -> str:
    """Markdown table of the steps that have results."""
    rows = ['| model | top-1 ep 5 | ep 10 | final (last epoch) | minutes |',
            '|---|---|---|---|---|',
            f'| official CTR-GCN (reference, data README) | '
            f'{REFERENCE["epoch_5"]} | {REFERENCE["epoch_10"]} | '
            f'{REFERENCE["final"]} | {REFERENCE["minutes"]} |']
    for name, res in results.items():
        acc = res['top1']
        last = acc[max(acc)] if acc else None

        def fmt(value):
            return '–' if value is None else f'{value:.2f}'
        rows.append(f'| {name} | {fmt(acc.get(5))} | {fmt(acc.get(10))} | '
                    f'{fmt(last)} (ep {max(acc) if acc else "–"}) | '
                    f'{res["minutes"]} |')
    return '\n'.join(rows)


def main(argv: Optional[List[str]] = None) -> None:
    """Run (or resume) the steps and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ann-file', default='data/nw_ucla/nw_ucla_xview.pkl',
                        help='pkl from tools/data/nw_ucla/convert_nw_ucla.py')
    parser.add_argument('--work-dir', default='work_dirs/nw_ucla')
    parser.add_argument('--steps', nargs='+', choices=STEPS,
                        default=['scratch', 'pretrain', 'finetune',
                                 'linear_probe'])
    parser.add_argument('--random-probe', action='store_true',
                        help='also probe a frozen random encoder')
    parser.add_argument('--probe-epochs', type=int, default=3,
                        help='linear-probe epochs (x5 passes each)')
    parser.add_argument('--threads', type=int, default=2,
                        help='torch threads per training process')
    parser.add_argument('--lanes', type=int, choices=[1, 2], default=1,
                        help='training processes at a time (2: scratch '
                        'beside the pretrain -> finetune -> probe chain)')
    parser.add_argument('--report-only', action='store_true',
                        help='read finished work dirs, train nothing')
    parser.add_argument('--out', default=osp.join(
        ROOT, 'benchmarks', 'results', 'nw_ucla.json'))
    args = parser.parse_args(argv)
    args.ann_file = osp.abspath(args.ann_file)
    args.work_dir = osp.abspath(args.work_dir)
    if not osp.exists(args.ann_file):
        parser.error(f'--ann-file {args.ann_file} does not exist; make it '
                     'with python tools/data/nw_ucla/convert_nw_ucla.py '
                     'SOURCE ' + args.ann_file)
    steps = list(args.steps)
    if args.random_probe and 'linear_probe_random' not in steps:
        steps.append('linear_probe_random')
    plans = step_plan(args)
    if not args.report_only:
        lanes = [steps]
        if args.lanes == 2:
            side = ('scratch', 'linear_probe_random')
            lanes = [[s for s in steps if s in side],
                     [s for s in steps if s not in side]]

        def run_lane(names: List[str]) -> None:
            for name in names:
                run_step(name, plans[name], args)
        with ThreadPoolExecutor(len(lanes)) as pool:
            for future in [pool.submit(run_lane, lane) for lane in lanes]:
                future.result()   # re-raises a failed step's error
    results = {}
    for name in steps:
        work_dir = osp.join(args.work_dir, name)
        if osp.isdir(work_dir):
            results[name] = dict(read_step(work_dir), config=plans[name])
    report = dict(reference=REFERENCE, threads=args.threads,
                  lanes=args.lanes, machine=platform.machine(),
                  cpus=os.cpu_count(), results=results)
    atomic_write_text(json.dumps(report, indent=2) + '\n', args.out)
    print(table({k: v for k, v in results.items() if k != 'pretrain'}))
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
