"""benchmarks/bench_nw_ucla.py: the steps' commands (resume after a kill,
the pretrained encoder handed to finetune and probe) and the report read
back from real mmengine-style work dirs."""
import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def bench():
    spec = importlib.util.spec_from_file_location(
        'bench_nw_ucla', ROOT / 'benchmarks' / 'bench_nw_ucla.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_run(work_dir: Path, stamp: str, accs: dict, start: str, end: str):
    run = work_dir / stamp
    (run / 'vis_data').mkdir(parents=True)
    lines = [json.dumps(dict(loss=1.0, epoch=1, iter=20, step=20))]
    lines += [json.dumps({'acc/top1': a, 'step': e}) for e, a in accs.items()]
    (run / 'vis_data' / 'scalars.json').write_text('\n'.join(lines) + '\n')
    (run / f'{stamp}.log').write_text(
        f'{start} - mmengine - INFO - start\nno timestamp here\n'
        f'{end} - mmengine - INFO - end\n')


def test_report_reads_accuracy_and_time_across_resumed_runs(bench, tmp_path):
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(b'')
    scratch = tmp_path / 'wd' / 'scratch'
    _fake_run(scratch, '20261126_010000', {5: 0.7}, '2026/11/26 01:00:00',
              '2026/11/26 01:20:00')
    # killed after epoch 5, resumed: epochs 10 and 13 come from the 2nd run
    _fake_run(scratch, '20261126_020000', {10: 0.8, 13: 0.9},
              '11/26 02:00:00', '11/26 02:30:30')
    out = tmp_path / 'r.json'
    bench.main(['--ann-file', str(ann), '--work-dir', str(tmp_path / 'wd'),
                '--report-only', '--out', str(out)])
    result = json.loads(out.read_text())['results']
    assert set(result) == {'scratch'}   # other steps have no work dir
    assert result['scratch']['top1'] == {'5': 70.0, '10': 80.0, '13': 90.0}
    assert result['scratch']['minutes'] == 50.5
    md = bench.table({'scratch': bench.read_step(str(scratch))})
    assert '| scratch | 70.00 | 80.00 | 90.00 (ep 13) | 50.5 |' in md
    assert '89.66' in md


def test_steps_resume_skip_and_pass_the_encoder(bench, tmp_path,
                                                monkeypatch):
    calls = []

    def fake_call(cmd, **kwargs):
        calls.append((cmd, kwargs['env']['OMP_NUM_THREADS']))
        return 0
    monkeypatch.setattr(subprocess, 'call', fake_call)
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(b'')
    wd = tmp_path / 'wd'
    (wd / 'scratch').mkdir(parents=True)
    (wd / 'scratch' / 'epoch_13.pth').write_bytes(b'')      # finished
    (wd / 'finetune').mkdir()
    (wd / 'finetune' / 'epoch_4.pth').write_bytes(b'')      # killed
    bench.main(['--ann-file', str(ann), '--work-dir', str(wd), '--threads',
                '1', '--random-probe', '--out', str(tmp_path / 'r.json')])
    names = [Path(cmd[cmd.index('--work-dir') + 1]).name for cmd, _ in calls]
    assert names == ['pretrain', 'finetune', 'linear_probe',
                     'linear_probe_random']
    assert all(threads == '1' for _, threads in calls)
    by_name = dict(zip(names, (cmd for cmd, _ in calls)))
    assert '--resume' in by_name['finetune']
    assert '--resume' not in by_name['pretrain']
    encoder = f'model.backbone.init_cfg.checkpoint={wd}/pretrain/epoch_1.pth'
    assert (encoder in by_name['finetune']
            and encoder in by_name['linear_probe'])
    assert 'model.backbone.init_cfg=None' in by_name['linear_probe_random']
    assert f'train_dataloader.dataset.dataset.ann_file={ann}' in \
        by_name['finetune']


def test_failed_step_names_its_output(bench, tmp_path, monkeypatch):
    monkeypatch.setattr(subprocess, 'call', lambda *a, **k: 1)
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(b'')
    with pytest.raises(RuntimeError, match=r'scratch.*scratch\.out'):
        bench.main(['--ann-file', str(ann), '--work-dir',
                    str(tmp_path / 'wd'), '--out', str(tmp_path / 'r.json')])


def test_missing_annotation_file_says_how_to_make_it(bench, tmp_path,
                                                     capsys):
    with pytest.raises(SystemExit):
        bench.main(['--ann-file', str(tmp_path / 'none.pkl')])
    assert 'convert_nw_ucla.py' in capsys.readouterr().err


def test_two_lanes_keep_the_chain_in_order(bench, tmp_path, monkeypatch):
    calls = []

    def fake_call(cmd, **kwargs):
        calls.append(Path(cmd[cmd.index('--work-dir') + 1]).name)
        return 0
    monkeypatch.setattr(subprocess, 'call', fake_call)
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(b'')
    out = tmp_path / 'r.json'
    bench.main(['--ann-file', str(ann), '--work-dir', str(tmp_path / 'wd'),
                '--lanes', '2', '--threads', '1', '--random-probe', '--out',
                str(out)])
    assert sorted(calls) == sorted(bench.STEPS)
    chain = [c for c in calls if c in ('pretrain', 'finetune',
                                       'linear_probe')]
    assert chain == ['pretrain', 'finetune', 'linear_probe']
    assert calls.index('scratch') < calls.index('linear_probe_random')
    assert json.loads(out.read_text())['lanes'] == 2
