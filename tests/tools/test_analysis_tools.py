"""The tools/analysis CLIs on synthetic dumps and on a tiny trained model,
and the TensorBoard visualiser backend of configs/_base_/default_runtime.py.
"""
import importlib.util
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import matplotlib.image as mpimg
import pytest

from tests.analysis.synthetic_dumps import (single_stream_records,
                                            two_stream_records, write)
from tests.conftest import make_annotations

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/stgcn/stgcn_regressor_1xb16-30e_synthetic.py'
BOTH_BACKENDS = ("visualizer = dict(vis_backends=[dict(type='LocalVisBackend')"
                 ", dict(type='TensorboardVisBackend')])\n")


def _tool(name):
    """Import tools/analysis/<name>.py as a module."""
    spec = importlib.util.spec_from_file_location(
        f'tool_{name}', ROOT / 'tools' / 'analysis' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(args):
    env = dict(os.environ, OMP_NUM_THREADS='1')
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def _data_opts(ann):
    return ['--cfg-options', *[f'{loader}_dataloader.dataset.ann_file={ann}'
                               for loader in ('train', 'val', 'test')],
            'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
            'train_dataloader.batch_size=4', 'val_dataloader.batch_size=4',
            'train_dataloader.num_workers=0', 'val_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False',
            'val_dataloader.persistent_workers=False']


# ---------------------------------------------------------------- synthetic

def test_plot_scatter_cli_synthetic(tmp_path, capsys):
    dump = write(two_stream_records(), tmp_path / 'two.pkl')
    single = write(single_stream_records(), tmp_path / 'one.pkl')
    out = tmp_path / 'scatter.png'
    _tool('plot_scatter').main([dump, single, '--out', str(out)])
    printed = capsys.readouterr().out
    assert 'two.pkl skeleton: rho =' in printed
    assert 'one.pkl prediction: rho =' in printed
    height, width = mpimg.imread(str(out)).shape[:2]
    assert width > height  # two rows of up to three panels


def test_pfm_report_cli_synthetic(tmp_path, capsys):
    dump = write(two_stream_records(), tmp_path / 'two.pkl')
    tool = _tool('pfm_report')
    tool.main([dump, '--out', str(tmp_path / 'r.md')])
    printed = capsys.readouterr().out
    assert printed == (tmp_path / 'r.md').read_text()
    assert '| vault | 8 |' in printed and '**all (pooled)**' in printed
    tool.main([dump, '--json'])
    report = json.loads(capsys.readouterr().out)
    assert report['overall']['n'] == 24


def test_pfm_report_cli_single_stream_error(tmp_path, capsys):
    dump = write(single_stream_records(), tmp_path / 'one.pkl')
    with pytest.raises(SystemExit) as exc:
        _tool('pfm_report').main([dump])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith('pfm_report.py: error: ')
    assert 'one.pkl' in err and "'pred_score_skeleton'" in err


def test_summarize_cli_synthetic(tmp_path, capsys):
    paths = []
    for seed, rho in enumerate([0.5, 0.7]):
        path = tmp_path / f'cfg_seed{seed}' / 'metrics.json'
        path.parent.mkdir()
        path.write_text(json.dumps({'aqa/spearman': rho}))
        paths.append(str(path))
    dump = write(two_stream_records(), tmp_path / 'two.pkl')
    _tool('summarize').main([*paths, f'2maf={dump}', '--metrics',
                             'aqa/spearman', '--out', str(tmp_path / 's.md')])
    text = (tmp_path / 's.md').read_text()
    assert '| cfg | 2 | 0.6000 ± 0.1414 |' in text
    assert '| 2maf | 1 |' in text


def test_scatter_ann_file_denormalises(tmp_path, tiny_ann, capsys):
    from aqa_mm.datasets.score_normalization import (load_score_ranges,
                                                     normalize_scores)
    ann = pickle.loads(Path(tiny_ann).read_bytes())
    test = [a for a in ann['annotations']
            if a['frame_dir'] in set(ann['split']['test'])]
    norm = normalize_scores([a['score'] for a in test],
                            [a['class_id'] for a in test],
                            load_score_ranges(tiny_ann))
    dump = write([dict(frame_dir=a['frame_dir'], class_name=a['class_name'],
                       class_id=a['class_id'], gt_score=a['score'],
                       pred_aqa_score=float(v))
                  for a, v in zip(test, norm)], tmp_path / 'norm.pkl')
    _tool('plot_scatter').main([dump, '--out', str(tmp_path / 's.png'),
                                '--ann-file', tiny_ann])
    assert 'prediction: rho = 1.0000' in capsys.readouterr().out


def test_tensorboard_backend_from_cli_option(tmp_path):
    """The documented --cfg-options line builds a working TB backend."""
    from mmengine.registry import VISUALIZERS

    from aqa_mm.utils import load_config, merge_cfg_options
    cfg = load_config(str(CONFIG))
    merge_cfg_options(cfg, {'visualizer.vis_backends.0.type':
                            'TensorboardVisBackend'})
    vis_cfg = dict(cfg.visualizer, name='tb_cli_option',
                   save_dir=str(tmp_path))
    visualizer = VISUALIZERS.build(vis_cfg)
    visualizer.add_scalars({'aqa/spearman': 0.5}, step=1)
    visualizer.close()
    assert list(tmp_path.rglob('events.out.tfevents.*'))


# ----------------------------------------------- a tiny trained ST-GCN model

@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """1 epoch of ST-GCN on the tiny set, with the local + TensorBoard
    backends chosen by the one config line; then tools/test.py --dump."""
    root = tmp_path_factory.mktemp('analysis_tools')
    ann = root / 'tiny_aqa.pkl'
    ann.write_bytes(pickle.dumps(make_annotations()))
    config = root / 'stgcn_tb.py'
    config.write_text(f"_base_ = ['{CONFIG}']\n" + BOTH_BACKENDS)
    work = root / 'work'
    proc = _run(['tools/train.py', str(config), '--work-dir', str(work),
                 *_data_opts(ann)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc = _run(['tools/test.py', str(config), str(work / 'epoch_1.pth'),
                 '--work-dir', str(root / 'test'), '--dump',
                 str(work / 'preds.pkl'), '--metrics-out',
                 str(work / 'metrics.json'), *_data_opts(ann)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(root=root, ann=str(ann), config=str(config), work=work,
                ckpt=str(work / 'epoch_1.pth'), dump=str(work / 'preds.pkl'),
                metrics=str(work / 'metrics.json'))


@pytest.mark.slow
def test_tensorboard_backend_writes_events(trained):
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    events = list(trained['work'].glob('*/vis_data/events.out.tfevents.*'))
    assert len(events) == 1
    assert list(trained['work'].glob('*/vis_data/scalars.json'))  # local too
    acc = EventAccumulator(str(events[0].parent))
    acc.Reload()
    tags = acc.Tags()['scalars']
    assert 'loss' in tags and 'aqa/spearman' in tags, tags


@pytest.mark.slow
def test_tools_on_real_dump(trained, tmp_path):
    out = tmp_path / 'scatter.png'
    proc = _run(['tools/analysis/plot_scatter.py', trained['dump'], '--out',
                 str(out)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'prediction: rho =' in proc.stdout
    assert mpimg.imread(str(out)).shape[0] > 100

    proc = _run(['tools/analysis/pfm_report.py', trained['dump']])
    assert proc.returncode == 2
    assert "has no key 'pred_score_skeleton'" in proc.stderr
    assert 'Traceback' not in proc.stderr

    # the work_dir's newest scalars.json, its metrics file and its dump
    scalars = sorted(trained['work'].glob('*/vis_data/scalars.json'))[-1]
    proc = _run(['tools/analysis/summarize.py', trained['metrics'],
                 str(scalars), trained['dump'], '--metrics',
                 'aqa/spearman', 'aqa/mse', '--out', str(tmp_path / 's.md')])
    assert proc.returncode == 0, proc.stderr[-2000:]
    rho = json.loads(Path(trained['metrics']).read_text())['aqa/spearman']
    table = (tmp_path / 's.md').read_text()
    # the metrics file, the dump and the last validation epoch agree
    assert f'| stgcn_tb | 3 | {rho:.4f} ± 0.0000 |' in table, table


@pytest.mark.slow
def test_tsne_cli_on_trained_checkpoint(trained, tmp_path):
    out = tmp_path / 'tsne.png'
    proc = _run(['tools/analysis/tsne.py', trained['config'],
                 trained['ckpt'], '--out', str(out), '--split', 'train',
                 '--cfg-options',
                 f'test_dataloader.dataset.ann_file={trained["ann"]}'])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'embedded 12 samples' in proc.stdout
    assert 'encoding' in proc.stderr  # the progress bar
    assert mpimg.imread(str(out)).shape[0] > 100
