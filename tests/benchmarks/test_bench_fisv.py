"""benchmarks/bench_fisv.py: the runs it plans, the curve it reads back from
an mmengine-style work dir, its summary, and that finished runs are
skipped (no training here: tests/test_fisv_configs.py steps the configs)."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location(
    'bench_fisv', ROOT / 'benchmarks' / 'bench_fisv.py')
bench_fisv = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench_fisv)


def _args(tmp_path, *extra):
    return ['--data-root', str(tmp_path), '--work-dir', str(tmp_path / 'w'),
            '--out', str(tmp_path / 'fisv.json'),
            '--plot', str(tmp_path / 'fisv_curves.png'), *extra]


def test_plan_sets_paths_epochs_and_the_schedule(tmp_path):
    parser_args = bench_fisv.argparse.Namespace(
        heads=['meanfc', 'gdlt'], scores=['tes', 'pcs'], seeds=[0, 1],
        gdlt_epochs=50, data_root=str(tmp_path))
    runs = bench_fisv.plan_runs(parser_args)
    assert [r['key'] for r in runs][:2] == ['meanfc/tes/e100/seed0',
                                            'meanfc/pcs/e100/seed0']
    assert len(runs) == 8
    gdlt = [r for r in runs if r['head'] == 'gdlt'][0]
    assert gdlt['epochs'] == 50 and 'param_scheduler.0.T_max=50' in \
        gdlt['options'] and 'train_cfg.val_interval=1' in gdlt['options']
    assert f"train_dataloader.dataset.ann_file={tmp_path}/fisv_tes.pkl" in \
        gdlt['options']
    full = bench_fisv.plan_runs(bench_fisv.argparse.Namespace(
        heads=['gdlt'], scores=['pcs'], seeds=[0], gdlt_epochs=None,
        data_root=str(tmp_path)))
    assert full[0]['epochs'] == 400 and full[0]['config'].endswith(
        '400e_fisv-pcs.py')


def test_curve_keeps_the_latest_value_of_a_resumed_epoch(tmp_path):
    for stamp, recs in (('20260101_000000', [(1, 0.1), (2, 0.2)]),
                        ('20260101_010000', [(2, 0.25), (3, 0.3)])):
        vis = tmp_path / stamp / 'vis_data'
        vis.mkdir(parents=True)
        (vis / 'scalars.json').write_text(''.join(
            json.dumps({'aqa/spearman': v, 'step': e}) + '\n' +
            json.dumps({'loss': 1.0, 'step': e}) + '\n' for e, v in recs))
    assert bench_fisv.read_curve(str(tmp_path)) == {1: 0.1, 2: 0.25, 3: 0.3}


def test_minutes_sum_the_logs_of_resumed_runs(tmp_path):
    for stamp, lines in (('20260101_000000', ['00:00:00', '00:10:30']),
                         ('20260101_010000', ['01:00:00', '01:05:00'])):
        (tmp_path / stamp).mkdir()
        (tmp_path / stamp / f'{stamp}.log').write_text(''.join(
            f'2026/01/01 {t} - mmengine - INFO - x\nno stamp here\n'
            for t in lines))
    assert bench_fisv.read_minutes(str(tmp_path)) == 15.5


def test_summary_is_mean_and_population_std():
    results = {f'gdlt/tes/e5/seed{i}': dict(
        head='gdlt', score='tes', epochs=5, seed=i, last=v, best_on_test=b,
        minutes=1.0) for i, (v, b) in enumerate([(0.5, 0.6), (0.7, 0.8)])}
    row, = bench_fisv.summarize(results)
    assert row['last_mean'] == 0.6 and abs(row['last_std'] - 0.1) < 1e-12
    assert abs(row['best_mean'] - 0.7) < 1e-12 and row['seeds'] == [0, 1]
    assert '0.600 ± 0.100' in bench_fisv.table([row])


def test_finished_runs_are_skipped(tmp_path, capsys, monkeypatch):
    (tmp_path / 'fisv_tes.pkl').write_bytes(b'')
    done = dict(head='gdlt', score='tes', epochs=7, seed=0, last=0.4,
                best_on_test=0.5, minutes=2.0)
    (tmp_path / 'fisv.json').write_text(json.dumps(
        dict(results={'gdlt/tes/e7/seed0': done})))

    def no_training(*args):
        raise AssertionError('a finished run was trained again')
    monkeypatch.setattr(bench_fisv, 'run_one', no_training)
    bench_fisv.main(_args(tmp_path, '--heads', 'gdlt', '--scores', 'tes',
                          '--seeds', '0', '--gdlt-epochs', '7'))
    printed = capsys.readouterr().out
    assert '| gdlt | TES | 7 | 1 | 0.400 ± 0.000 | 0.500 ± 0.000 |' in printed
    saved = json.loads((tmp_path / 'fisv.json').read_text())
    assert list(saved['results']) == ['gdlt/tes/e7/seed0']
