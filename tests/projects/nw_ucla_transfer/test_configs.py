"""projects/nw_ucla_transfer/configs: the CPU-budget pretraining builds and
steps like the transfer configs it stands on, and is their pretraining cut
to one epoch of 5 passes, warm-up then cosine within it."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import PARAM_SCHEDULERS

from tests.test_transfer_configs import (TRANSFER,
                                         check_config_builds_and_steps)

CPU = Path(__file__).resolve().parents[3] / 'projects' / \
    'nw_ucla_transfer' / 'configs' / 'nw_ucla_xview_pretrain_cpu.py'


def test_cpu_pretraining_builds_and_steps(tmp_path):
    check_config_builds_and_steps(CPU, tmp_path)


def test_cpu_pretraining_is_the_pretraining_cut_to_5_passes():
    cfg = Config.fromfile(CPU)
    full = Config.fromfile(TRANSFER / 'nw_ucla_xview_pretrain.py')
    assert cfg.model == full.model
    assert cfg.train_dataloader == full.train_dataloader
    assert cfg.train_dataloader.dataset.times == 5
    assert cfg.train_cfg.max_epochs == 1
    param = torch.nn.Parameter(torch.zeros(1))
    optim = torch.optim.AdamW([param], lr=cfg.optim_wrapper.optimizer.lr)
    iters = 159     # 5 passes over 1,020 sequences in batches of 32
    schedulers = []
    for sched in cfg.param_scheduler:
        sched = dict(sched)
        if sched.pop('convert_to_iter_based', False):
            sched.update(by_epoch=False, begin=0, end=iters, T_max=iters)
        schedulers.append(PARAM_SCHEDULERS.build(
            sched, default_args=dict(optimizer=optim)))
    lrs = []
    for _ in range(iters):
        lrs.append(optim.param_groups[0]['lr'])
        optim.step()
        for scheduler in schedulers:
            scheduler.step()
    assert lrs[0] == pytest.approx(1e-4)        # warm-up from 0.1x
    assert max(lrs) <= 1e-3 and lrs[-1] < 1e-4  # cosine to ~eta_min
