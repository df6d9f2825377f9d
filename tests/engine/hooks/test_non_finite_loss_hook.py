"""NonFiniteLossHook on a real mmengine Runner (toy model, CPU)."""
import pytest

from aqa_mm.engine import NonFiniteLossError, NonFiniteLossHook
from aqa_mm.registry import HOOKS


def test_registered_in_mmaction_hooks():
    assert HOOKS.get('NonFiniteLossHook') is NonFiniteLossHook


def test_stops_at_the_first_nan_before_the_checkpoint(tmp_path,
                                                      runner_factory):
    # 8 samples, batch 2: sample 5 is in batch 3 of epoch 1 (iteration 3)
    runner = runner_factory(tmp_path, nan_at=5,
                            custom_hooks=[dict(type='NonFiniteLossHook')])
    with pytest.raises(NonFiniteLossError,
                       match=r'iteration 3 \(epoch 1, batch 3/4\): loss=nan'):
        runner.train()
    assert not list(tmp_path.glob('*.pth'))


def test_without_the_hook_nan_weights_are_saved(tmp_path, runner_factory):
    """What the hook prevents: mmengine checkpoints the NaN weights."""
    import torch

    from aqa_mm.utils.checkpoint import load_checkpoint_file
    runner = runner_factory(tmp_path, nan_at=5, epochs=1)
    runner.train()
    state = load_checkpoint_file(tmp_path / 'epoch_1.pth')['state_dict']
    assert torch.isnan(state['fc.weight']).all()


def test_finite_run_is_untouched(tmp_path, runner_factory):
    runner = runner_factory(tmp_path, epochs=1,
                            custom_hooks=[dict(type='NonFiniteLossHook')])
    runner.train()
    assert (tmp_path / 'epoch_1.pth').is_file()
