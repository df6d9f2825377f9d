"""CPU distributed set-up and tear-down (aqa_mm.utils.dist_utils)."""
import os
import subprocess
import sys
import textwrap

import pytest
import torch
import torch.distributed as dist
from mmengine.config import Config

from aqa_mm.utils import end_distributed_worker, setup_cpu_distributed
from tests.conftest import free_port

needs_cpu_only = pytest.mark.skipif(
    torch.cuda.is_available(), reason='the gloo path is taken without CUDA')


def test_no_launcher_leaves_the_config_alone():
    cfg = Config(dict(model=dict(type='X')))
    assert setup_cpu_distributed(cfg, 'none') is False
    assert 'model_wrapper_cfg' not in cfg and 'env_cfg' not in cfg


@needs_cpu_only
def test_missing_launcher_variables_are_named(monkeypatch):
    for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(RuntimeError, match="'RANK', 'WORLD_SIZE'"):
        setup_cpu_distributed(Config(dict()), 'pytorch')


@needs_cpu_only
def test_one_rank_gloo_group_is_set_up(monkeypatch):
    monkeypatch.setenv('RANK', '0')
    monkeypatch.setenv('WORLD_SIZE', '1')
    monkeypatch.setenv('MASTER_ADDR', '127.0.0.1')
    monkeypatch.setenv('MASTER_PORT', str(free_port()))
    cfg = Config(dict(model_wrapper_cfg=dict(find_unused_parameters=True)))
    try:
        assert setup_cpu_distributed(cfg, 'pytorch') is True
        assert dist.is_initialized() and dist.get_backend() == 'gloo'
        assert cfg.env_cfg.dist_cfg.backend == 'gloo'
        assert cfg.model_wrapper_cfg.type == 'MMDistributedDataParallel'
        assert cfg.model_wrapper_cfg.device_ids is None
        assert cfg.model_wrapper_cfg.find_unused_parameters is True
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def test_ending_a_non_distributed_run_returns():
    assert not dist.is_initialized()
    end_distributed_worker()  # no group: returns instead of exiting


_WORKER = textwrap.dedent("""
    import logging, sys
    import torch.distributed as dist
    from mmengine.config import Config
    from aqa_mm.utils import end_distributed_worker, setup_cpu_distributed
    setup_cpu_distributed(Config(dict()), 'pytorch')
    log = logging.getLogger('worker')
    log.addHandler(logging.FileHandler(sys.argv[1]))
    log.warning('finished')  # must reach the file despite os._exit
    print('stdout flushed', end='')
    end_distributed_worker()
    print('not reached')
""")


@needs_cpu_only
def test_a_finished_worker_exits_cleanly_with_its_logs_flushed(tmp_path):
    env = dict(os.environ, RANK='0', WORLD_SIZE='1', MASTER_ADDR='127.0.0.1',
               MASTER_PORT=str(free_port()), OMP_NUM_THREADS='1')
    proc = subprocess.run([sys.executable, '-c', _WORKER,
                           str(tmp_path / 'worker.log')],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == 'stdout flushed'
    assert (tmp_path / 'worker.log').read_text() == 'finished\n'
