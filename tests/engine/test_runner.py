"""AQARunner: atomic checkpoints, weights-only resume, newest complete
checkpoint on auto-resume; build_runner picks it unless a config names
another runner."""
import pytest
import torch
from mmengine.config import Config
from mmengine.logging import HistoryBuffer
from mmengine.runner import Runner

from aqa_mm.engine import AQARunner, AtomicLocalBackend, build_runner
from aqa_mm.registry import RUNNERS
from aqa_mm.utils.checkpoint import load_checkpoint_file


def test_registered_in_mmaction_runners():
    assert RUNNERS.get('AQARunner') is AQARunner


def test_checkpoints_load_weights_only_and_resume(tmp_path, runner_factory):
    runner_factory(tmp_path, epochs=2).train()
    raw = (tmp_path / 'epoch_2.pth').read_bytes()
    assert b'getattr' not in raw  # HistoryBuffer pickled without functions
    ckpt = load_checkpoint_file(tmp_path / 'epoch_2.pth')
    assert ckpt['meta']['epoch'] == 2
    assert not list(tmp_path.glob('.*.tmp'))
    # the HistoryBuffer swap ended with the save
    assert 'statistics_methods' in HistoryBuffer().__getstate__()
    resumed = runner_factory(tmp_path, epochs=3, resume=True)
    resumed.train()
    assert resumed.epoch == 3


def test_resume_skips_a_bad_last_checkpoint_record(tmp_path,
                                                   runner_factory):
    runner_factory(tmp_path, epochs=2).train()
    (tmp_path / 'last_checkpoint').write_text('')  # killed mid-write
    resumed = runner_factory(tmp_path, epochs=3, resume=True)
    resumed.load_or_resume()
    assert resumed.epoch == 2


def test_auto_resume_without_checkpoint_starts_fresh(tmp_path,
                                                     runner_factory):
    runner = runner_factory(tmp_path, epochs=1, resume=True)
    runner.load_or_resume()
    assert runner.epoch == 0


def test_old_mmengine_checkpoint_resumes(tmp_path, runner_factory):
    """A checkpoint of plain mmengine (``builtins.getattr`` inside)."""
    runner_factory(tmp_path, epochs=1).train()
    path = tmp_path / 'epoch_1.pth'
    torch.save(load_checkpoint_file(path), path)  # mmengine's own pickling
    assert b'getattr' in path.read_bytes()
    resumed = runner_factory(tmp_path, epochs=2, resume=True)
    resumed.load_or_resume()
    assert resumed.epoch == 1


def test_a_failed_write_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / 'epoch_1.pth'
    backend = AtomicLocalBackend()
    backend.put(b'complete', path)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt('killed while writing')
    monkeypatch.setattr('aqa_mm.utils.io.os.replace', crash)
    with pytest.raises(KeyboardInterrupt):
        backend.put(b'half', path)
    monkeypatch.undo()
    assert path.read_bytes() == b'complete'
    assert [p.name for p in tmp_path.iterdir()] == ['epoch_1.pth']
    backend.put_text('text', tmp_path / 'sub' / 'note.txt')
    assert (tmp_path / 'sub' / 'note.txt').read_text() == 'text'


def test_save_goes_through_the_atomic_backend(tmp_path, runner_factory,
                                               monkeypatch):
    written = []
    put = AtomicLocalBackend.put

    def spy(self, obj, filepath):
        written.append(str(filepath))
        put(self, obj, filepath)
    monkeypatch.setattr(AtomicLocalBackend, 'put', spy)
    runner_factory(tmp_path, epochs=1).train()
    assert written == [str(tmp_path / 'epoch_1.pth')]
    assert torch.is_tensor(load_checkpoint_file(
        tmp_path / 'epoch_1.pth')['state_dict']['fc.weight'])


def _toy_cfg(work_dir, **extra):
    """A config (a text-only one, as a file gives) of the toy runner."""
    from aqa_mm.registry import DATASETS, MODELS
    from tests.engine.conftest import ToyData, ToyModel
    MODELS.register_module('AQARunnerTestModel', module=ToyModel, force=True)
    DATASETS.register_module('AQARunnerTestData', module=ToyData, force=True)
    return Config(dict(
        model=dict(type='AQARunnerTestModel'), work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=dict(type='AQARunnerTestData'), batch_size=2,
            num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        default_scope='mmaction', **extra))


def test_build_runner_defaults_to_aqa_runner(tmp_path):
    assert type(build_runner(_toy_cfg(tmp_path / 'a'))) is AQARunner
    named = build_runner(_toy_cfg(tmp_path / 'b', runner_type='Runner'))
    assert type(named) is Runner
    named = build_runner(_toy_cfg(tmp_path / 'c', runner_type='AQARunner'))
    assert type(named) is AQARunner


def test_load_renames_old_prefixes(tmp_path, runner_factory, monkeypatch):
    """Keys under an old prefix reach the renamed module (here the toy's
    ``fc`` plays the renamed ``backbone``)."""
    runner = runner_factory(tmp_path, epochs=1)
    state = {'old_fc.weight': torch.full((1, 1), 3.0),
             'old_fc.bias': torch.full((1,), 2.0)}
    torch.save(dict(state_dict=state), tmp_path / 'old.pth')
    monkeypatch.setattr('aqa_mm.engine.runner.renamed_old_prefixes',
                        lambda model: [('old_fc.', 'fc.')])
    runner.load_checkpoint(str(tmp_path / 'old.pth'), strict=True)
    assert runner.model.fc.weight.item() == 3.0
    assert runner.model.fc.bias.item() == 2.0
