"""The weights-only resume fix (aqa_mm/utils/checkpoint.py)."""
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

import aqa_mm  # noqa: F401  (applies the patch)
from aqa_mm.utils.checkpoint import history_buffer_getattr


def _mmengine_original_getstate(self):
    """mmengine 0.10.7's HistoryBuffer.__getstate__ (old checkpoints)."""
    state = dict(self.__dict__)
    state['statistics_methods'] = dict(self._statistics_methods)
    return state


def _checkpoint_like():
    hub = MessageHub.get_instance('test_ckpt_hub')
    for v in (1.0, 2.0, 4.0):
        hub.update_scalar('train/loss', v)
    return dict(
        meta=dict(seed=np.int64(3), epoch=2, arr=np.arange(3.0),
                  dtype=np.dtype('float32'), lr=np.float64(0.1)),
        message_hub=hub.state_dict(),
        state_dict=dict(w=torch.ones(2)))


def test_resume_state_loads_weights_only(tmp_path):
    path = tmp_path / 'ckpt.pth'
    torch.save(_checkpoint_like(), path)
    ckpt = torch.load(path)  # weights_only=True by default (torch >= 2.6)
    buf = ckpt['message_hub']['log_scalars']['train/loss']
    assert isinstance(buf, HistoryBuffer)
    assert buf.mean() == pytest.approx(7 / 3)
    assert buf.statistics('max') == 4.0
    assert ckpt['meta']['seed'] == 3
    np.testing.assert_array_equal(ckpt['meta']['arr'], np.arange(3.0))


def test_old_format_checkpoint_still_loads(tmp_path, monkeypatch):
    monkeypatch.setattr(HistoryBuffer, '__getstate__',
                        _mmengine_original_getstate)
    path = tmp_path / 'old.pth'
    torch.save(_checkpoint_like(), path)
    monkeypatch.undo()
    raw = path.read_bytes()
    assert b'getattr' in raw  # really the old format
    ckpt = torch.load(path)
    assert ckpt['message_hub']['log_scalars']['train/loss'].current() == 4.0


def test_getattr_stand_in_refuses_everything_else():
    assert history_buffer_getattr(HistoryBuffer, 'mean') is HistoryBuffer.mean
    with pytest.raises(pickle.UnpicklingError, match='only'):
        history_buffer_getattr(HistoryBuffer, '__init__')
    with pytest.raises(pickle.UnpicklingError):
        history_buffer_getattr(torch, 'load')


def test_malicious_getattr_pickle_is_rejected(tmp_path):
    class Evil:
        def __reduce__(self):
            # an allowed class, but an attribute outside the statistics table
            return (getattr, (HistoryBuffer, '__init__'))
    path = tmp_path / 'evil.pth'
    torch.save({'x': Evil()}, path)
    with pytest.raises(pickle.UnpicklingError, match='__init__'):
        torch.load(path)


def test_getstate_does_not_mutate_buffer():
    buf = HistoryBuffer()
    buf.update(1.0)
    buf.__getstate__()
    assert 'statistics_methods' not in buf.__dict__


def test_checkpoint_save_is_atomic(tmp_path, monkeypatch):
    from aqa_mm.utils.checkpoint import atomic_save_checkpoint
    path = tmp_path / 'epoch_1.pth'
    atomic_save_checkpoint({'w': torch.ones(1)}, str(path))

    def crash(*args, **kwargs):
        raise KeyboardInterrupt('killed while writing')
    monkeypatch.setattr(torch, 'save', crash)
    with pytest.raises(KeyboardInterrupt):
        atomic_save_checkpoint({'w': torch.zeros(1)}, str(path))
    monkeypatch.undo()
    assert torch.load(path)['w'].item() == 1.0  # old file intact
    assert [p.name for p in tmp_path.iterdir()] == ['epoch_1.pth']


def test_find_latest_falls_back_when_record_is_bad(tmp_path):
    from aqa_mm.utils.checkpoint import find_latest_checkpoint
    assert find_latest_checkpoint(str(tmp_path)) is None
    for n in (2, 10):
        (tmp_path / f'epoch_{n}.pth').write_bytes(b'x')
    (tmp_path / 'last_checkpoint').write_text('')  # killed mid-write
    assert find_latest_checkpoint(str(tmp_path)).endswith('epoch_10.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))
    assert find_latest_checkpoint(str(tmp_path)).endswith('epoch_2.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'gone.pth'))
    assert find_latest_checkpoint(str(tmp_path)).endswith('epoch_10.pth')


def test_runner_uses_the_patched_functions():
    import mmengine.runner.runner as mm_runner
    from aqa_mm.utils import checkpoint
    assert mm_runner.save_checkpoint is checkpoint.atomic_save_checkpoint
    assert (mm_runner.find_latest_checkpoint
            is checkpoint.find_latest_checkpoint)
