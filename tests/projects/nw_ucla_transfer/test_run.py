"""projects/nw_ucla_transfer/run.py: the steps' runs (the pretrained encoder
handed to finetune and probe, options that exist in their configs), their
order, the results read back from launcher-style work dirs, and errors."""
import json
import os
from pathlib import Path

import pytest

from aqa_mm.utils.cli import load_config, merge_cfg_options
from projects.nw_ucla_transfer import run as transfer

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def ann(tmp_path):
    path = tmp_path / 'ann.pkl'
    path.write_bytes(b'')
    return path


@pytest.fixture
def launched(monkeypatch):
    """The runs ``launch`` was given, in order (nothing trains)."""
    runs = []
    monkeypatch.setattr(transfer, 'launch', lambda run: runs.append(run))
    return runs


def _fake_run(work_dir: Path, stamp: str, accs: dict, start: str, end: str):
    run = work_dir / stamp
    (run / 'vis_data').mkdir(parents=True)
    lines = [json.dumps(dict(loss=1.0, epoch=1, iter=20, step=20))]
    lines += [json.dumps({'acc/top1': a, 'step': e}) for e, a in accs.items()]
    (run / 'vis_data' / 'scalars.json').write_text('\n'.join(lines) + '\n')
    (run / f'{stamp}.log').write_text(
        f'{start} - mmengine - INFO - start\nno timestamp here\n'
        f'{end} - mmengine - INFO - end\n')


def test_report_reads_accuracy_and_time_across_resumed_runs(ann, tmp_path):
    scratch = tmp_path / 'wd' / 'scratch'
    _fake_run(scratch, '20261126_010000', {5: 0.7}, '2026/11/26 01:00:00',
              '2026/11/26 01:20:00')
    # killed after epoch 5, resumed: epochs 10 and 13 come from the 2nd run
    _fake_run(scratch, '20261126_020000', {10: 0.8, 13: 0.9},
              '11/26 02:00:00', '11/26 02:30:30')
    out = tmp_path / 'r.json'
    transfer.main(['--ann-file', str(ann), '--work-dir',
                   str(tmp_path / 'wd'), '--report-only', '--out', str(out)])
    report = json.loads(out.read_text())
    result = report['results']
    assert set(result) == {'scratch'}   # other steps have no work dir
    assert result['scratch']['top1'] == {'5': 70.0, '10': 80.0, '13': 90.0}
    assert result['scratch']['minutes'] == 50.5   # no launcher record yet
    assert result['scratch']['test_top1'] is None
    assert report['command'].startswith(
        'python -m projects.nw_ucla_transfer.run --ann-file')
    md = transfer.table(report)
    assert '| 70.00 | 80.00 | 90.00 (ep 13) |' in md and '89.66' in md


def test_finished_run_reports_its_tested_checkpoint(ann, tmp_path):
    probe = tmp_path / 'wd' / 'linear_probe'
    probe.mkdir(parents=True)
    (probe / 'launch_result.json').write_text(json.dumps(dict(
        metrics={'acc/top1': 0.4224}, minutes=12.34)))
    out = tmp_path / 'r.json'
    transfer.main(['--ann-file', str(ann), '--work-dir',
                   str(tmp_path / 'wd'), '--report-only', '--out', str(out)])
    result = json.loads(out.read_text())['results']['linear_probe']
    assert result['test_top1'] == pytest.approx(42.24)
    assert result['minutes'] == 12.3 and result['top1'] == {}
    assert result['config']['options']['train_cfg.max_epochs'] == 3
    assert '| 3 epochs, fc only | – | – | 42.24 (ep 3) |' in transfer.table(
        json.loads(out.read_text()))


def test_steps_pass_the_encoder_and_the_data(ann, tmp_path, launched):
    wd = tmp_path / 'wd'
    transfer.main(['--ann-file', str(ann), '--work-dir', str(wd),
                   '--random-probe', '--out', str(tmp_path / 'r.json')])
    names = [Path(run.work_dir).name for run in launched]
    assert names == ['scratch', 'pretrain', 'finetune', 'linear_probe',
                     'linear_probe_random']
    by_name = dict(zip(names, launched))
    encoder = str(wd / 'pretrain' / 'epoch_1.pth')
    for name in ('finetune', 'linear_probe'):
        assert by_name[name].cfg_options[
            'model.backbone.init_cfg.checkpoint'] == encoder
    assert by_name['linear_probe_random'].cfg_options[
        'model.backbone.init_cfg'] is None
    assert by_name['finetune'].cfg_options[
        'train_dataloader.dataset.dataset.ann_file'] == str(ann)
    assert not by_name['pretrain'].test and by_name['scratch'].test
    assert all(run.select == 'last' for run in launched)  # view 3 is test
    assert not any(Path(run.config).is_absolute() for run in launched)


def test_run_options_exist_in_their_configs(ann, tmp_path):
    """merge_cfg_options rejects a misspelt key, as the launcher does."""
    args = transfer.parse_args(['--ann-file', str(ann), '--work-dir',
                                str(tmp_path / 'wd')])
    for name, run in transfer.step_runs(args).items():
        cfg = load_config(str(ROOT / run.config))
        merge_cfg_options(cfg, dict(run.cfg_options))
        assert cfg.train_dataloader.dataset.dataset.ann_file == str(ann), name
    assert cfg.train_cfg.max_epochs == 3


def test_steps_run_in_the_order_given(ann, tmp_path, launched):
    transfer.main(['--ann-file', str(ann), '--work-dir', str(tmp_path),
                   '--steps', 'finetune', 'scratch', '--out',
                   str(tmp_path / 'r.json')])
    assert [Path(r.work_dir).name for r in launched] == ['finetune',
                                                          'scratch']


def test_failed_step_stops_the_driver(ann, tmp_path, monkeypatch):
    def fail(run):
        raise RuntimeError(f'{run.work_dir}: diverged')
    monkeypatch.setattr(transfer, 'launch', fail)
    with pytest.raises(RuntimeError, match=r'scratch: diverged'):
        transfer.main(['--ann-file', str(ann), '--work-dir', str(tmp_path),
                       '--out', str(tmp_path / 'r.json')])
    assert not (tmp_path / 'r.json').exists()


def test_missing_annotation_file_says_how_to_make_it(tmp_path, capsys):
    with pytest.raises(SystemExit):
        transfer.main(['--ann-file', str(tmp_path / 'none.pkl')])
    assert 'convert_nw_ucla.py' in capsys.readouterr().err


def test_device_cpu_hides_the_gpus(monkeypatch):
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '0')
    transfer.select_device('cpu')
    assert os.environ['CUDA_VISIBLE_DEVICES'] == ''
