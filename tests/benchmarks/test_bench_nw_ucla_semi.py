"""benchmarks/bench_nw_ucla_semi.py: the semi-supervised protocol's steps
(subset options, the encoder handed to finetuning, lanes) and its report
read back from mmengine-style work dirs and cached features."""
import argparse
import importlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from aqa_mm.datasets.label_subset import write_subsets

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def bench():
    sys.path.insert(0, str(ROOT / 'benchmarks'))
    try:
        yield (importlib.import_module('bench_nw_ucla_semi'),
               importlib.import_module('nw_ucla_semi_report'))
    finally:
        sys.path.remove(str(ROOT / 'benchmarks'))


def _args(tmp_path, **kw):
    args = dict(ann_file=str(tmp_path / 'ann.pkl'),
                work_dir=str(tmp_path / 'wd'), variants=['faithful'],
                pretrain_epochs=2, finetune_from=[('faithful', 2)],
                fractions=[10], seeds=[0, 1], threads=1, lanes=2,
                only=None, steps=None,
                finetune_config='nw_ucla_xview_finetune.py')
    args.update(kw)
    return argparse.Namespace(**args)


def test_subset_and_encoder_options(bench, tmp_path):
    semi, _ = bench
    plans = semi.classification_plans(_args(tmp_path, fractions=[10, 100]))
    scratch = plans['scratch_p10_s1']['options']
    assert '+train_dataloader.dataset.dataset.subset=10%/seed1' in scratch
    assert 'randomness.seed=1' in scratch
    assert not any('dataset.subset' in o or 'Subset' in o
                   for o in plans['scratch_p100_s0']['options'])
    fine = plans['finetune_faithful_e2_p10_s0']
    ckpt = str(tmp_path / 'wd' / 'pretrain_faithful' / 'epoch_2.pth')
    assert fine['needs'] == ckpt
    assert 'model.backbone.init_cfg.checkpoint=' + ckpt in fine['options']
    pre = semi.pretrain_plan('faithful', _args(tmp_path))
    assert 'train_cfg.max_epochs=2' in pre['options'] and pre['epochs'] == 2
    assert fine['config'] == 'nw_ucla_xview_finetune.py'
    other = semi.classification_plans(_args(
        tmp_path, finetune_config='nw_ucla_xview_finetune_backbone_lr0.1.py'))
    assert other['finetune_faithful_e2_p10_s0']['config'] == \
        'nw_ucla_xview_finetune_backbone_lr0.1.py'
    assert other['scratch_p10_s0']['config'] == 'nw_ucla_xview_scratch.py'


def test_classification_lane_skips_missing_encoder(bench, tmp_path,
                                                   monkeypatch):
    semi, _ = bench
    ran = []
    monkeypatch.setattr(semi, 'run_step', lambda name, plan, a: ran.append(
        name))
    semi.run_all(_args(tmp_path, only='classification'))
    assert ran == ['scratch_p10_s0', 'scratch_p10_s1']
    ran.clear()
    semi.run_all(_args(tmp_path))  # both lanes: pretraining "makes" nothing
    assert ran[0] == 'pretrain_faithful' or 'pretrain_faithful' in ran
    assert 'finetune_faithful_e2_p10_s0' not in ran
    ran.clear()
    semi.run_all(_args(tmp_path, lanes=1, steps=['scratch_p10_s1',
                                                 'pretrain_faithful']))
    assert ran == ['pretrain_faithful', 'scratch_p10_s1']
    with pytest.raises(SystemExit, match='unknown'):
        semi.run_all(_args(tmp_path, steps=['scratch_p50_s0']))


def _fake_run(work_dir: Path, acc: float):
    run = work_dir / '20261201_000000'
    (run / 'vis_data').mkdir(parents=True)
    (run / 'vis_data' / 'scalars.json').write_text(
        json.dumps({'loss': 2.0, 'epoch': 1, 'step': 20}) + '\n' +
        json.dumps({'acc/top1': acc, 'step': 13}) + '\n')
    (work_dir / 'epoch_13.pth').write_bytes(b'')


def test_report_tables_and_curve(bench, tmp_path, monkeypatch):
    semi, report = bench
    args = _args(tmp_path)
    wd = Path(args.work_dir)
    for seed, (acc_s, acc_f) in enumerate([(0.60, 0.70), (0.62, 0.74)]):
        _fake_run(wd / f'scratch_p10_s{seed}', acc_s)
        _fake_run(wd / f'finetune_faithful_e2_p10_s{seed}', acc_f)
    # a killed run (no epoch_13.pth) does not count
    (wd / 'scratch_p10_s2').mkdir()
    pre = wd / 'pretrain_faithful'
    pre.mkdir()
    (pre / 'epoch_2.pth').write_bytes(b'')
    rng = np.random.default_rng(0)
    names = np.array([f's{i:03d}' for i in range(200)])
    labels = np.arange(200) % 4
    subsets = tmp_path / 'subsets.json'
    write_subsets(list(zip(names, labels)), [0.1], [0, 1], str(subsets))
    monkeypatch.setattr(report, 'SUBSETS', str(subsets))
    for epoch, signal in ((0, 0.0), (2, 5.0)):   # random init, pretrained
        test_labels = np.arange(80) % 4
        np.savez(wd / f'features_faithful_e{epoch}.npz',
                 train=rng.normal(size=(200, 8)) + signal * np.eye(8)[labels],
                 train_labels=labels, train_names=names,
                 test=rng.normal(size=(80, 8)) + signal * np.eye(8)[
                     test_labels], test_labels=test_labels)
    out = report.build_report(args)
    cls = out['classification']['10']
    assert cls['scratch']['mean'] == pytest.approx(61.0)
    assert cls['scratch']['n'] == 2
    assert cls['finetune_faithful_e2']['std'] == pytest.approx(
        np.std([70, 74], ddof=1))
    curve = out['curves']['faithful']
    assert [p['passes'] for p in curve] == [0, 10]
    assert curve[1]['frozen']['100']['knn']['mean'] == pytest.approx(100)
    assert curve[1]['frozen']['10']['knn']['n'] == 2
    assert curve[0]['frozen']['100']['knn']['mean'] < 60
    table = report.report_table(out)
    assert '| 10 % | 61.00 ± 1.41 (n=2) | 72.00 ± 2.83 (n=2) |' in table
    assert 'kNN, random init' in table and 'probe, faithful 10p' in table
    assert report.plot_curve(out, str(tmp_path / 'curve.png'))
    assert (tmp_path / 'curve.png').stat().st_size > 1000
