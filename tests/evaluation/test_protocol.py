"""The per-class protocol: aggregation (Fisher-z, mean ± std), the markdown
table, validation carving, and an end-to-end run of
tools/analysis/run_protocol.py on a tiny built-in SYNTHETIC set."""
import importlib.util
import json
import math
import pickle
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config

from aqa_mm.engine import launcher
from aqa_mm.evaluation import protocol, protocol_runs
from aqa_mm.utils.cli import DataError, UserError

ROOT = Path(__file__).resolve().parents[2]
CONFIG = 'configs/stgcn/stgcn_regressor_1xb16-30e_synthetic.py'


def _write_metrics(run, rho):
    Path(run.work_dir).mkdir(parents=True, exist_ok=True)
    Path(run.metrics_file).write_text(json.dumps({'aqa/spearman': rho}))


def test_plan_and_gather(tmp_path):
    runs = protocol.plan_runs(str(tmp_path), [0, 3], [1, 2])
    assert [(r.class_id, r.seed) for r in runs] == [(0, 1), (3, 1), (0, 2),
                                                    (3, 2)]
    assert runs[1].work_dir == str(tmp_path / 'class_3' / 'seed_1')
    _write_metrics(runs[0], 0.5)
    _write_metrics(runs[3], None)
    assert protocol.is_finished(runs[0]) and not protocol.is_finished(runs[1])
    rhos = protocol.gather(runs)
    assert rhos[0] == {1: 0.5} and math.isnan(rhos[3][2])
    Path(runs[1].work_dir).mkdir(parents=True)
    Path(runs[1].metrics_file).write_text('{"aqa/mse": 1.0}')
    with pytest.raises(DataError, match="no metric 'aqa/spearman'"):
        protocol.gather(runs)


def test_summary_fisher_z_and_mean_std():
    rhos = {0: {0: 0.9, 1: 0.8}, 1: {0: 0.5, 1: 0.7}, 2: {0: 0.6, 1: 0.2}}
    s = protocol.summarize(rhos, [0, 1, 2], [0, 1])
    per_seed = [np.tanh(np.mean(np.arctanh([rhos[c][seed] for c in rhos])))
                for seed in (0, 1)]
    assert s['fisher_z'][0] == pytest.approx(per_seed[0])
    assert s['fisher_z_mean'] == pytest.approx(np.mean(per_seed))
    assert s['fisher_z_std'] == pytest.approx(np.std(per_seed, ddof=1))
    assert s['per_class'][2]['mean'] == pytest.approx(0.4)
    assert s['per_class'][2]['std'] == pytest.approx(np.std([0.6, 0.2],
                                                            ddof=1))
    assert s['complete']


def test_incomplete_summary_and_table():
    rhos = {0: {0: 0.9, 1: 0.8}, 1: {0: 0.5}}
    s = protocol.summarize(rhos, [0, 1], [0, 1])
    assert not s['complete']
    assert s['fisher_z'][1] == pytest.approx(0.8)  # seed 1: class 0 only
    # only seed 0 finished every class: its Fisher-z is the mean, no std
    assert s['fisher_z_mean'] == pytest.approx(s['fisher_z'][0])
    assert math.isnan(s['fisher_z_std'])
    table = protocol.format_table(s, {0: 'diving', 1: 'gym_vault'}, [0, 1])
    assert '| diving | 0.9000 | 0.8000 | 0.8500 ± 0.0707 |' in table
    assert '| gym_vault | 0.5000 | not run | 0.5000 |' in table
    assert '**Fisher-z Ave**' in table and 'last epoch' in table
    assert '**Incomplete:**' in table


def test_mean_std_edge_cases():
    assert protocol.mean_std([0.5]) == (0.5, pytest.approx(float('nan'),
                                                           nan_ok=True))
    assert all(math.isnan(v) for v in protocol.mean_std([]))


def _annotation(n_per_class=(5, 1, 3)):
    annos, train = [], []
    for c, n in enumerate(n_per_class):
        for i in range(n):
            annos.append(dict(frame_dir=f'c{c}_{i}', class_id=c,
                              class_name=f'k{c}', score=float(i)))
            train.append(f'c{c}_{i}')
    return dict(split=dict(train=train, test=['c0_0']), annotations=annos)


def test_carve_validation_split(tmp_path):
    src, out = tmp_path / 'a.pkl', tmp_path / 'carved.pkl'
    src.write_bytes(pickle.dumps(_annotation()))
    sizes = protocol_runs.carve_validation_split(str(src), str(out), 0.4, 0)
    carved = pickle.loads(out.read_bytes())
    val, sub = set(carved['split']['val']), set(carved['split']['train_sub'])
    assert not val & sub and val | sub == set(carved['split']['train'])
    assert carved['split']['test'] == ['c0_0']
    # 5 -> 2 val, 1 -> 0 val (a class keeps >= 1 training sample), 3 -> 1
    assert sorted(v[:2] for v in val) == ['c0', 'c0', 'c2']
    assert sizes == {'train_sub': 6, 'val': 3}
    # reused when the settings match, refused otherwise
    assert protocol_runs.carve_validation_split(str(src), str(out), 0.4,
                                                0) == sizes
    with pytest.raises(UserError, match='carved with other settings'):
        protocol_runs.carve_validation_split(str(src), str(out), 0.4, 1)
    with pytest.raises(UserError, match='--val-ratio'):
        protocol_runs.carve_validation_split(str(src), str(out), 1.0, 0)


def test_runs_never_select_on_test(tmp_path):
    run = protocol.Run(2, 7, str(tmp_path / 'r'))
    opts = protocol_runs.class_options(2)
    assert opts == {'+train_dataloader.dataset.class_ids': [2],
                    '+val_dataloader.dataset.class_ids': [2],
                    '+test_dataloader.dataset.class_ids': [2]}
    last = protocol_runs.train_run(run, 'c.py', opts, 'last')
    assert (last.select, last.seed, last.work_dir) == ('last', 7, run.work_dir)
    assert last.cfg_options == opts
    vopts = protocol_runs.val_options('carved.pkl')
    assert vopts['val_dataloader.dataset.split'] == 'val'
    assert vopts['train_dataloader.dataset.split'] == 'train_sub'
    assert 'test_dataloader.dataset.split' not in vopts
    val = protocol_runs.train_run(run, 'c.py', {**opts, **vopts}, 'val')
    assert val.select == 'val' and val.best_metric == 'aqa/spearman'
    assert run.metrics_file.endswith('launch_result.json')


def test_read_metric_from_launcher_record_or_flat_file(tmp_path):
    record = tmp_path / 'launch_result.json'
    record.write_text(json.dumps({'metrics': {'aqa/spearman': 0.25},
                                  'seed': 0}))
    assert protocol.read_metric(str(record)) == 0.25
    flat = tmp_path / 'metrics.json'
    flat.write_text(json.dumps({'aqa/spearman': None}))
    assert math.isnan(protocol.read_metric(str(flat)))
    with pytest.raises(DataError, match='no metric'):
        protocol.read_metric(str(record), 'aqa/mse')


# ------------------------------------------------------------ end to end
def _tool():
    spec = importlib.util.spec_from_file_location(
        'run_protocol', ROOT / 'tools' / 'analysis' / 'run_protocol.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def synthetic_ann(tmp_path_factory):
    from aqa_mm.datasets.synthetic.builder import build_dataset
    out = tmp_path_factory.mktemp('synthetic')
    build_dataset(out, seed=1, num_per_class=6, frames=16, img_size=64,
                  write_video=False, workers=1)
    return str(out / 'synthetic_aqa.pkl')


def _options(ann, epochs=1):
    opts = [f'{loader}.dataset.ann_file={ann}'
            for loader in protocol_runs.LOADERS]
    for loader in protocol_runs.LOADERS:
        opts += [f'{loader}.batch_size=2', f'{loader}.num_workers=0',
                 f'{loader}.persistent_workers=False']
    return opts + [f'train_cfg.max_epochs={epochs}',
                   'train_cfg.val_interval=1']


@pytest.mark.slow
def test_per_class_protocol_end_to_end(tmp_path, synthetic_ann, monkeypatch,
                                       capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    work = tmp_path / 'protocol'
    argv = [CONFIG, '--work-dir', str(work), '--classes', '0', '1',
            '--seeds', '0', '--cfg-options', *_options(synthetic_ann)]
    tool = _tool()
    tool.main(argv)
    table = (work / 'protocol_table.md').read_text()
    assert '| jump |' in table and '| squat |' in table
    assert '**Fisher-z Ave**' in table and 'last epoch' in table
    results = json.loads((work / 'protocol_results.json').read_text())
    rhos = [results['spearman'][c]['0'] for c in ('0', '1')]
    assert results['fisher_z']['0'] == pytest.approx(
        float(np.tanh(np.mean(np.arctanh(np.clip(rhos, -1 + 1e-7,
                                                 1 - 1e-7))))))
    for c in (0, 1):
        run_dir = work / f'class_{c}' / 'seed_0'
        record = json.loads((run_dir / 'launch_result.json').read_text())
        assert 'aqa/spearman' in record['metrics']
        # trained and tested on its own class only
        trained = Config.fromfile(run_dir / Path(CONFIG).name)
        assert trained.train_dataloader.dataset.class_ids == [c]
        assert trained.val_dataloader is None  # --no-validate: last epoch
        tested = Config.fromfile(run_dir / 'test' / Path(CONFIG).name)
        assert tested.test_dataloader.dataset.class_ids == [c]
    # resumable: a second call builds nothing

    def no_build(cfg):
        raise AssertionError('a finished run was run again')
    monkeypatch.setattr(launcher, 'build_runner', no_build)
    tool.main(argv)
    assert capsys.readouterr().out.count(': done') >= 2


@pytest.mark.slow
def test_protocol_with_validation_selection(tmp_path, synthetic_ann,
                                            monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    work = tmp_path / 'protocol'
    _tool().main([CONFIG, '--work-dir', str(work), '--classes', '2',
                  '--selection', 'val', '--val-ratio', '0.5',
                  '--cfg-options', *_options(synthetic_ann, epochs=2)])
    run_dir = work / 'class_2' / 'seed_0'
    assert list(run_dir.glob('best_aqa_spearman_epoch_*.pth'))
    carved = pickle.loads((work / 'ann_with_val.pkl').read_bytes())
    assert {'train_sub', 'val', 'test'} <= set(carved['split'])
    assert 'validation split carved out of train' in (
        work / 'protocol_table.md').read_text()
