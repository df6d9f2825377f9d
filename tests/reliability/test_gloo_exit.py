"""``aqa_mm.utils.end_distributed_worker`` ends a finished gloo DDP worker
under torchrun with exit status 0, without interpreter teardown.

Why the function exists: with torch 2.13 a gloo worker that returns
normally can abort during interpreter teardown, after its work is done
("terminate called without an active exception", SIGABRT), and torchrun
then reports the finished job as failed. The abort is rare (a few launches
in 20 on 2 loaded cores), so this test checks the workaround, not the
abort: both ranks train, leave through ``os._exit(0)`` (the statement after
the call would exit with 3) and torchrun reports success.
"""
import os
import re
import subprocess
import sys

from tests.conftest import free_port

WORKER = '''\
import torch
import torch.distributed as dist
from aqa_mm.utils import end_distributed_worker
dist.init_process_group('gloo')
model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(4, 2))
for _ in range(3):
    model(torch.randn(3, 4)).sum().backward()
print(f'rank {dist.get_rank()} trained')
end_distributed_worker()
raise SystemExit(3)  # not reached: the worker leaves through os._exit(0)
'''


def test_end_distributed_worker_ends_gloo_workers_with_status_0(tmp_path):
    worker = tmp_path / 'worker.py'
    worker.write_text(WORKER)
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
         f'--master_port={free_port()}', str(worker)],
        capture_output=True, text=True, timeout=300,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    # the two ranks share the pipe: their lines may run into each other
    assert sorted(re.findall(r'rank (\d) trained', proc.stdout)) == ['0', '1']
