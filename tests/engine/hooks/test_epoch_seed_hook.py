"""EpochSeedHook: each epoch's random draws depend on (seed, epoch) only, so
a resumed run draws what the uninterrupted one drew."""
from aqa_mm.engine import EpochSeedHook
from aqa_mm.engine.hooks.epoch_seed_hook import epoch_seed
from aqa_mm.registry import HOOKS

HOOK = [dict(type='EpochSeedHook')]


def test_registered_and_seeds_differ_per_epoch_and_rank():
    assert HOOKS.get('EpochSeedHook') is EpochSeedHook
    seeds = {epoch_seed(0, e, r) for e in range(3) for r in range(2)}
    assert len(seeds) == 6 and epoch_seed(0, 1) == epoch_seed(0, 1)


def _draws(runner):
    runner.train()
    return runner.model.draws


def test_resumed_epochs_draw_the_same_numbers(tmp_path, runner_factory):
    full = _draws(runner_factory(tmp_path / 'a', epochs=3,
                                 custom_hooks=HOOK))
    _draws(runner_factory(tmp_path / 'b', epochs=1, custom_hooks=HOOK))
    resumed = _draws(runner_factory(tmp_path / 'b', epochs=3, resume=True,
                                    custom_hooks=HOOK))
    assert len(full) == 12 and len(resumed) == 8
    assert resumed == full[4:]


def test_without_the_hook_resume_draws_other_numbers(tmp_path,
                                                     runner_factory):
    """mmengine alone re-seeds once on resume: the resumed epochs differ."""
    full = _draws(runner_factory(tmp_path / 'a', epochs=3))
    _draws(runner_factory(tmp_path / 'b', epochs=1))
    resumed = _draws(runner_factory(tmp_path / 'b', epochs=3, resume=True))
    assert resumed != full[4:]
