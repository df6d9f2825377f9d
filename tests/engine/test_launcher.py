"""The one resumable launcher: train, select, test once, record; resume a
killed run; never train a finished run again."""
import glob
import os

import pytest

from aqa_mm.engine import launcher
from aqa_mm.engine.launcher import TrainRun, launch, read_launch_result
from aqa_mm.utils.cli import UserError
from tests.reliability.conftest import write_annotations, write_tiny_config


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    ann = write_annotations(tmp_path / 'ann.pkl')
    return write_tiny_config(tmp_path, ann, epochs=2)


@pytest.mark.slow
def test_last_epoch_run_is_recorded_and_not_run_again(tiny, tmp_path,
                                                      monkeypatch):
    work = str(tmp_path / 'run')
    metrics = launch(TrainRun(tiny, work, seed=3))
    assert 'aqa/spearman' in metrics
    record = read_launch_result(work)
    assert record['metrics'] == metrics and record['seed'] == 3
    assert record['checkpoint'] == 'epoch_2.pth' and record['minutes'] >= 0
    assert record['machine']['cpus'] >= 1
    # select='last' trains without validation: no validation record
    scalars = glob.glob(os.path.join(work, '2*', 'vis_data', 'scalars.json'))
    assert 'aqa/spearman' not in open(scalars[0]).read()

    def no_build(cfg):
        raise AssertionError('a finished run was built again')
    monkeypatch.setattr(launcher, 'build_runner', no_build)
    assert launch(TrainRun(tiny, work, seed=3)) == metrics


@pytest.mark.slow
def test_killed_run_resumes_from_its_checkpoint(tiny, tmp_path):
    work = tmp_path / 'run'
    # a run killed after epoch 1: its checkpoint is there, no result yet
    launch(TrainRun(tiny, str(work), cfg_options={'train_cfg.max_epochs': 1},
                    test=False))
    (work / launcher.RESULT_FILE).unlink()
    first = (work / 'epoch_1.pth').stat().st_mtime_ns
    launch(TrainRun(tiny, str(work)))
    assert (work / 'epoch_1.pth').stat().st_mtime_ns == first  # not redone
    assert (work / 'epoch_2.pth').is_file()
    logs = sorted(p for p in work.glob('2*/*.log'))
    assert len(logs) == 2 and 'Load checkpoint' in logs[-1].read_text()


@pytest.mark.slow
def test_validation_selection_tests_the_best_checkpoint(tiny, tmp_path):
    work = str(tmp_path / 'run')
    launch(TrainRun(tiny, work, select='val',
                    cfg_options={'train_cfg.val_interval': 1}))
    record = read_launch_result(work)
    assert record['checkpoint'].startswith('best_aqa_spearman_epoch_')


@pytest.mark.slow
def test_validate_but_test_the_last_checkpoint(tiny, tmp_path):
    work = str(tmp_path / 'run')
    launch(TrainRun(tiny, work, validate=True,
                    cfg_options={'train_cfg.val_interval': 1}))
    record = read_launch_result(work)
    assert record['checkpoint'] == 'epoch_2.pth' and record['validate']
    assert not glob.glob(os.path.join(work, 'best_*.pth'))
    scalars = glob.glob(os.path.join(work, '2*', 'vis_data', 'scalars.json'))
    assert 'aqa/spearman' in open(scalars[0]).read()


def test_bad_selection_and_result_files_are_named(tmp_path):
    with pytest.raises(UserError, match='select'):
        TrainRun('c.py', str(tmp_path), select='best_on_test')
    with pytest.raises(UserError, match='validate=True'):
        TrainRun('c.py', str(tmp_path), select='val', validate=False)
    (tmp_path / launcher.RESULT_FILE).write_text('{not json')
    with pytest.raises(UserError, match=launcher.RESULT_FILE):
        read_launch_result(str(tmp_path))
    assert read_launch_result(str(tmp_path / 'none')) is None


def test_selected_checkpoint(tmp_path):
    run = TrainRun('c.py', str(tmp_path))
    with pytest.raises(UserError, match='no last_checkpoint'):
        launcher.selected_checkpoint(run)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))
    with pytest.raises(UserError, match='missing file'):
        launcher.selected_checkpoint(run)
    (tmp_path / 'epoch_2.pth').touch()
    assert launcher.selected_checkpoint(run).endswith('epoch_2.pth')
    val = TrainRun('c.py', str(tmp_path), select='val')
    with pytest.raises(UserError, match='no best_'):
        launcher.selected_checkpoint(val)
    (tmp_path / 'best_aqa_spearman_epoch_1.pth').touch()
    assert 'best_' in launcher.selected_checkpoint(val)


def test_select_device(monkeypatch):
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '0')
    launcher.select_device('cpu')
    assert os.environ['CUDA_VISIBLE_DEVICES'] == ''
    launcher.select_device('auto')
    with pytest.raises(UserError, match='gpu'):
        launcher.select_device('gpu')
    monkeypatch.setattr(launcher.torch.cuda, 'is_available', lambda: False)
    with pytest.raises(UserError, match='no CUDA device'):
        launcher.select_device('cuda')
