"""Reproduce the gloo worker abort at interpreter exit, and its workaround.

Each run launches ``torchrun --nproc_per_node 2`` on a tiny worker: a gloo
group and three DDP steps of a linear layer. The worker then either calls
``barrier`` and ``destroy_process_group`` and returns normally
(``interpreter_exit``), or calls :func:`aqa_mm.utils.end_distributed_worker`
(``os_exit``: the same two calls, then a flush and ``os._exit(0)``). With
torch 2.13 on a loaded 2-core machine, the first mode sometimes aborts after
the work is done ("terminate called without an active exception", SIGABRT),
which torchrun reports as a failed job; this counts how often.

    python benchmarks/gloo_exit_abort.py --runs 20 --load 3

``--load`` starts that many busy-loop processes for the duration (the abort
shows up under CPU contention, e.g. beside other jobs in CI). Writes
``benchmarks/results/gloo_exit_abort.json``.
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional

import torch

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)
from aqa_mm.utils.io import atomic_write_text  # noqa: E402

WORKER = '''\
import sys
import torch
import torch.distributed as dist
from aqa_mm.utils import end_distributed_worker
dist.init_process_group('gloo')
model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(4, 2))
for _ in range(3):
    model(torch.randn(3, 4)).sum().backward()
if sys.argv[1] == 'os_exit':
    end_distributed_worker()
dist.barrier()
dist.destroy_process_group()
'''
MODES = ('interpreter_exit', 'os_exit')


def launch(worker: str, mode: str, port: int) -> subprocess.CompletedProcess:
    """One ``torchrun`` launch of 2 gloo workers (1 thread each).

    Args:
        worker (str): Path of the worker script.
        mode (str): One of :data:`MODES`.
        port (int): Master port.

    Returns:
        subprocess.CompletedProcess: With the captured output.
    """
    return subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
         f'--master_port={port}', worker, mode],
        capture_output=True, text=True, timeout=300,
        env=dict(os.environ, OMP_NUM_THREADS='1',
                 PYTHONPATH=os.pathsep.join(
                     filter(None, [ROOT, os.environ.get('PYTHONPATH')]))))


def count_failures(runs: int, load: int, base_port: int) -> Dict[str, dict]:
    """Alternate the modes ``runs`` times each under ``load`` busy loops.

    Args:
        runs (int): Launches per mode.
        load (int): Busy-loop processes running meanwhile.
        base_port (int): First master port (one per launch).

    Returns:
        dict: ``mode -> dict(runs, failed, aborts)``; ``aborts`` counts the
        failures whose output has the ``terminate called`` line.
    """
    burners = [subprocess.Popen([sys.executable, '-c', 'while True: pass'])
               for _ in range(load)]
    out = {m: dict(runs=0, failed=0, aborts=0) for m in MODES}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            worker = osp.join(tmp, 'worker.py')
            with open(worker, 'w') as f:
                f.write(WORKER)
            for i in range(runs):
                for j, mode in enumerate(MODES):
                    proc = launch(worker, mode, base_port + 2 * i + j)
                    cell = out[mode]
                    cell['runs'] += 1
                    if proc.returncode:
                        cell['failed'] += 1
                        cell['aborts'] += 'terminate called' in proc.stderr
                    print(f'run {i + 1}/{runs} {mode}: exit '
                          f'{proc.returncode}', flush=True)
    finally:
        for b in burners:
            b.kill()
    return out


def main(argv: Optional[List[str]] = None) -> None:
    """Count the aborts per mode and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--runs', type=int, default=20,
                        help='launches per mode')
    parser.add_argument('--load', type=int, default=3,
                        help='busy-loop processes meanwhile')
    parser.add_argument('--base-port', type=int, default=31000)
    parser.add_argument('--out', default=osp.join(
        ROOT, 'benchmarks', 'results', 'gloo_exit_abort.json'))
    args = parser.parse_args(argv)
    counts = count_failures(args.runs, args.load, args.base_port)
    report = dict(torch=torch.__version__, cpus=os.cpu_count(),
                  load=args.load, modes=counts)
    atomic_write_text(json.dumps(report, indent=2) + '\n', args.out)
    for mode, c in counts.items():
        print(f'{mode}: {c["failed"]} of {c["runs"]} launches failed '
              f'({c["aborts"]} with the abort)')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
