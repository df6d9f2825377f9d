"""Distributed set-up that also works on machines without a GPU.

Why this exists: mmengine 0.10.7's pytorch launcher calls
``torch.cuda.set_device(LOCAL_RANK)`` before ``init_process_group`` and wraps
the model in DDP with ``device_ids=[LOCAL_RANK]``; both fail without CUDA. So
``torchrun`` on a CPU machine cannot train. When CUDA is absent we initialise
a gloo process group ourselves (mmengine then skips its own ``init_dist``) and
ask for DDP with ``device_ids=None``. On GPUs nothing changes: mmengine's
launcher runs with NCCL as usual. :func:`end_distributed_worker` ends a
finished worker without the interpreter teardown that can abort under gloo.
"""
import logging
import os
import subprocess
import sys
from datetime import timedelta

import torch
import torch.distributed as dist
from mmengine.config import Config


def setup_cpu_distributed(cfg: Config, launcher: str) -> bool:
    """Prepare ``cfg`` for CPU-only distributed training with gloo.

    Args:
        cfg (Config): The runner config; ``env_cfg.dist_cfg`` and
            ``model_wrapper_cfg`` are updated in place.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.

    Returns:
        bool: True if a gloo process group was initialised here.
    """
    if launcher == 'none' or torch.cuda.is_available():
        return False
    if launcher == 'slurm':
        _export_slurm_env()
    missing = [k for k in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
               if k not in os.environ]
    if missing:
        raise RuntimeError(
            f'--launcher {launcher} needs the environment variables '
            f'{missing}; '
            'start the job with tools/dist_train.sh (torchrun) or srun')
    # ConfigDict.setdefault returns the plain dict it was given, not the
    # ConfigDict it stores, so write through attribute access instead
    cfg.setdefault('env_cfg', {})
    cfg.env_cfg.setdefault('dist_cfg', {})
    dist_cfg = cfg.env_cfg.dist_cfg
    dist_cfg['backend'] = 'gloo'
    if not dist.is_initialized():
        dist.init_process_group(
            backend='gloo', rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']),
            timeout=timedelta(seconds=dist_cfg.get('timeout', 1800)))
    wrapper = dict(type='MMDistributedDataParallel', broadcast_buffers=False,
                   find_unused_parameters=cfg.get('find_unused_parameters',
                                                  False))
    wrapper.update(cfg.get('model_wrapper_cfg') or {})
    wrapper['device_ids'] = None  # CPU DDP: no device placement
    cfg.model_wrapper_cfg = wrapper
    return True


def end_distributed_worker() -> None:
    """End a finished distributed worker: wait for every rank, destroy the
    process group, flush the logs and leave without interpreter teardown.

    Why: with torch 2.13 a gloo worker can abort during interpreter exit,
    after its group was destroyed ("terminate called without an active
    exception", SIGABRT, no Python frame), and torchrun then reports a
    finished job as failed: on 2 loaded cores, 2 of 20 launches of a tiny
    DDP worker exiting normally aborted this way, and 0 of 20 with
    ``os._exit`` after the flush. ``tests/reliability/test_gloo_exit.py``
    checks that this function ends such workers with status 0. Call it only
    after a successful run, as the last statement of a tool; it does
    nothing (and returns) when no process group is initialised.
    """
    if not (dist.is_available() and dist.is_initialized()):
        return
    dist.barrier()
    dist.destroy_process_group()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _export_slurm_env() -> None:
    """Translate SLURM variables into torch's env:// variables (CPU case)."""
    env = os.environ
    if 'SLURM_PROCID' not in env:
        return
    env.setdefault('RANK', env['SLURM_PROCID'])
    env.setdefault('WORLD_SIZE', env['SLURM_NTASKS'])
    env.setdefault('LOCAL_RANK', env.get('SLURM_LOCALID', '0'))
    env.setdefault('MASTER_PORT', '29500')
    if 'MASTER_ADDR' not in env:  # first host of the allocation
        env['MASTER_ADDR'] = subprocess.getoutput(
            f"scontrol show hostname {env['SLURM_NODELIST']} | head -n1")
