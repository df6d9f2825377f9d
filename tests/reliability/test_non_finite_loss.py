"""tools/train.py stops at the first non-finite loss (NonFiniteLossHook,
on by default in configs/_base_/default_runtime.py), names the iteration,
and leaves the last good checkpoint byte-for-byte unchanged."""
import re

import pytest

from .conftest import run_tool, train, write_tiny_config


@pytest.mark.slow
def test_divergence_stops_without_overwriting_the_checkpoint(tmp_path,
                                                             tiny_ann):
    config = write_tiny_config(tmp_path, tiny_ann, epochs=2)  # 3 iters/epoch
    work = tmp_path / 'work'
    train(config, work, ['--cfg-options', 'train_cfg.max_epochs=1'])
    good = work / 'epoch_1.pth'
    before = good.read_bytes()
    record = (work / 'last_checkpoint').read_text()

    # fine-tune from it in the same work_dir with an absurd lr: the first
    # step is finite, then the weights (~1e30) overflow. Without the hook
    # this run would write its own epoch_1.pth over the good one.
    proc = run_tool(['tools/train.py', config, '--work-dir', str(work),
                     '--cfg-options', f'load_from={good}',
                     'optim_wrapper.optimizer.lr=1e30'])
    log = proc.stdout + proc.stderr
    assert proc.returncode == 2, log[-3000:]
    errors = [ln for ln in proc.stderr.splitlines()
              if ln.startswith('train.py: error: non-finite loss')]
    assert len(errors) == 1, log[-3000:]
    m = re.search(r'at iteration (\d+) \(epoch 1, batch (\d+)/3\): loss=',
                  errors[0])
    assert m and m.group(1) == m.group(2), errors[0]
    it = int(m.group(1))
    assert it >= 2  # the first step, from good weights, is finite
    # the iterations before it were logged with a finite loss
    logged = re.findall(r'Epoch\(train\)\s+\[1\]\[\s*(\d+)/3\].*?loss: (\S+)',
                        log)
    assert [int(i) for i, _ in logged] == list(range(1, it))
    assert 'Traceback' not in proc.stderr

    assert good.read_bytes() == before
    assert (work / 'last_checkpoint').read_text() == record
    assert sorted(p.name for p in work.glob('*.pth')) == ['epoch_1.pth']
