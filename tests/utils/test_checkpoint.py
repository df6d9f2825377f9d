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
