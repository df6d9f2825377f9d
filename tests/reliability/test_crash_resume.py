"""Crash-safe training: ``kill -9`` in the middle of an epoch, then
``--resume``, ends with exactly the weights and metrics of an uninterrupted
run with the same seed (CPU, ``randomness.deterministic=True``).

Without aqa_mm.engine.EpochSeedHook (default_runtime's custom_hooks) this
fails: mmengine re-seeds only once on resume, so the resumed epoch draws
other dropout masks and frame offsets and every weight differs."""
import os
import re
import signal
import subprocess
import sys
import time

import pytest
import torch

from aqa_mm.utils.checkpoint import load_checkpoint_file
from .conftest import ROOT, env, train, write_annotations, write_tiny_config

EPOCHS, KILL_EPOCH, KILL_ITER, ITERS = 4, 3, 5, 48


def _val_metrics(log):
    """The metric line of the final validation (all metrics, 4 decimals)."""
    lines = [ln.split('Epoch(val)', 1)[1] for ln in log.splitlines()
             if 'Epoch(val)' in ln and 'aqa/spearman:' in ln]
    assert lines, log[-2000:]
    return re.sub(r'\s+(data_)?time: \S+', '', lines[-1]).strip()


def _kill_mid_epoch(config, work):
    """Start training and SIGKILL it once iteration KILL_ITER of epoch
    KILL_EPOCH is logged. Returns the last logged (epoch, iter)."""
    proc = subprocess.Popen(
        [sys.executable, 'tools/train.py', config, '--work-dir', str(work)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=env(), start_new_session=True)
    pattern = re.compile(r'Epoch\(train\)\s+\[(\d+)\]\[\s*(\d+)/\d+\]')
    last, log = None, []
    deadline = time.time() + 240
    try:
        for line in proc.stdout:
            log.append(line)
            m = pattern.search(line)
            if m:
                last = (int(m.group(1)), int(m.group(2)))
                if last >= (KILL_EPOCH, KILL_ITER):
                    os.killpg(proc.pid, signal.SIGKILL)
                    break
            assert time.time() < deadline, 'training too slow'
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, ''.join(log)[-3000:]
    return last


@pytest.mark.slow
def test_kill_9_mid_epoch_then_resume_equals_uninterrupted(tmp_path):
    # 48 iterations per epoch (batch 1), so the kill lands inside epoch 3
    ann = write_annotations(tmp_path / 'ann.pkl', num_train=ITERS)
    config = write_tiny_config(tmp_path, ann, epochs=EPOCHS, batch_size=1)

    ref = tmp_path / 'uninterrupted'
    ref_log = train(config, ref)
    ref_log = ref_log.stdout + ref_log.stderr

    work = tmp_path / 'killed'
    epoch, it = _kill_mid_epoch(config, work)
    assert (epoch, it) < (KILL_EPOCH, ITERS), 'kill came too late'
    # mid-epoch: epoch 2 is saved, epoch 3 is not, nothing is half-written
    assert (work / f'epoch_{KILL_EPOCH - 1}.pth').is_file()
    assert not (work / f'epoch_{KILL_EPOCH}.pth').exists()
    assert not list(work.glob('.*.tmp'))

    log = train(config, work, ['--resume'])
    text = log.stdout + log.stderr
    assert f'resumed epoch: {KILL_EPOCH - 1}' in text

    final = f'epoch_{EPOCHS}.pth'
    a = load_checkpoint_file(ref / final)['state_dict']
    b = load_checkpoint_file(work / final)['state_dict']
    assert a.keys() == b.keys()
    differ = [k for k in a if not torch.equal(a[k], b[k])]
    assert not differ, f'weights differ after resume: {differ}'

    # the validation after the last epoch: identical metric lines
    assert _val_metrics(text) == _val_metrics(ref_log)
