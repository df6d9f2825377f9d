"""Weights-only loading of mmengine checkpoints (aqa_mm/utils/checkpoint.py),
scoped: nothing in mmengine or torch changes outside the context managers."""
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

from aqa_mm.utils.checkpoint import (checkpoint_safe_globals,
                                     find_latest_checkpoint,
                                     history_buffer_getattr,
                                     history_buffers_without_functions,
                                     load_checkpoint_file)


def _checkpoint_like():
    hub = MessageHub.get_instance('test_ckpt_hub')
    for v in (1.0, 2.0, 4.0):
        hub.update_scalar('train/loss', v)
    return dict(
        meta=dict(seed=np.int64(3), epoch=2, arr=np.arange(3.0),
                  dtype=np.dtype('float32'), lr=np.float64(0.1)),
        message_hub=hub.state_dict(),
        state_dict=dict(w=torch.ones(2)))


def test_importing_aqa_mm_changes_nothing_in_mmengine_or_torch():
    """Loading aqa_mm (e.g. through custom_imports) leaves mmengine's
    checkpoint functions, HistoryBuffer and torch's safe globals alone."""
    code = '''
import torch, mmengine.runner.checkpoint as ck, mmengine.runner.runner as rn
from mmengine.logging import HistoryBuffer
before = (ck.save_checkpoint, ck.find_latest_checkpoint, rn.save_checkpoint,
          rn.find_latest_checkpoint, HistoryBuffer.__dict__["__getstate__"],
          set(torch.serialization.get_safe_globals()))
import aqa_mm, aqa_mm.engine, aqa_mm.apis
from aqa_mm.utils import register_all_modules
register_all_modules()
after = (ck.save_checkpoint, ck.find_latest_checkpoint, rn.save_checkpoint,
         rn.find_latest_checkpoint, HistoryBuffer.__dict__["__getstate__"],
         set(torch.serialization.get_safe_globals()))
assert before == after, (before, after)
print("unchanged")
'''
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True)
    assert out.returncode == 0 and 'unchanged' in out.stdout, out.stderr


def test_new_checkpoints_load_weights_only(tmp_path):
    path = tmp_path / 'ckpt.pth'
    with history_buffers_without_functions():
        torch.save(_checkpoint_like(), path)
    assert b'getattr' not in path.read_bytes()
    ckpt = load_checkpoint_file(path)
    buf = ckpt['message_hub']['log_scalars']['train/loss']
    assert isinstance(buf, HistoryBuffer)
    assert buf.mean() == pytest.approx(7 / 3)
    assert buf.statistics('max') == 4.0
    assert ckpt['meta']['seed'] == 3
    np.testing.assert_array_equal(ckpt['meta']['arr'], np.arange(3.0))


def test_old_format_checkpoint_still_loads(tmp_path):
    path = tmp_path / 'old.pth'
    torch.save(_checkpoint_like(), path)  # mmengine's own pickling
    assert b'getattr' in path.read_bytes()  # really the old format
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)  # outside the scope: torch's default refusal
    ckpt = load_checkpoint_file(path)
    assert ckpt['message_hub']['log_scalars']['train/loss'].current() == 4.0


def test_safe_globals_scope_restores_torchs_list():
    class Mine:
        pass
    torch.serialization.add_safe_globals([Mine])
    try:
        before = set(torch.serialization.get_safe_globals())
        with checkpoint_safe_globals():
            inside = set(torch.serialization.get_safe_globals())
            assert HistoryBuffer in inside and Mine in inside
            with checkpoint_safe_globals():  # nested
                pass
            assert set(torch.serialization.get_safe_globals()) == inside
        assert set(torch.serialization.get_safe_globals()) == before
        with pytest.raises(KeyError):
            with checkpoint_safe_globals():
                raise KeyError('fails inside')
        assert set(torch.serialization.get_safe_globals()) == before
    finally:
        torch.serialization.clear_safe_globals()
        torch.serialization.add_safe_globals(
            [g for g in before if g is not Mine])


def test_history_buffer_swap_is_restored():
    original = HistoryBuffer.__dict__['__getstate__']
    buf = HistoryBuffer()
    buf.update(1.0)
    with history_buffers_without_functions():
        assert 'statistics_methods' not in buf.__getstate__()
        assert 'statistics_methods' not in buf.__dict__  # not mutated
    assert HistoryBuffer.__dict__['__getstate__'] is original
    with pytest.raises(RuntimeError):
        with history_buffers_without_functions():
            raise RuntimeError('save failed')
    assert HistoryBuffer.__dict__['__getstate__'] is original


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
        load_checkpoint_file(path)


def test_find_latest_falls_back_when_record_is_bad(tmp_path):
    assert find_latest_checkpoint(str(tmp_path)) is None
    for n in (2, 10):
        (tmp_path / f'epoch_{n}.pth').write_bytes(b'x')
    (tmp_path / 'last_checkpoint').write_text('')  # killed mid-write
    assert find_latest_checkpoint(str(tmp_path)).endswith('epoch_10.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))
    assert find_latest_checkpoint(str(tmp_path)).endswith('epoch_2.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'gone.pth'))
    assert find_latest_checkpoint(str(tmp_path)).endswith('epoch_10.pth')
