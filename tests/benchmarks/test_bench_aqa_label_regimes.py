"""benchmarks/bench_aqa_label_regimes.py: its steps (subset and encoder
options, lanes, resumable plan), its subsets file (written, checked,
refused) and its report read back from mmengine-style work dirs."""
import argparse
import importlib
import json
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

from aqa_mm.datasets.label_subset import read_subset
from tests.conftest import make_annotations

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def modules():
    sys.path.insert(0, str(ROOT / 'benchmarks'))
    try:
        yield (importlib.import_module('bench_aqa_label_regimes'),
               importlib.import_module('aqa_label_regimes_report'))
    finally:
        sys.path.remove(str(ROOT / 'benchmarks'))


def _args(tmp_path, **kw):
    args = dict(ann_file=str(tmp_path / 'ann.pkl'),
                work_dir=str(tmp_path / 'wd'),
                subsets=str(tmp_path / 'subsets.json'),
                variants=['faithful', 'view_aug_projector'],
                fractions=[10, 100], seeds=[0, 1], threads=1, lanes=2,
                only=None, steps=None)
    args.update(kw)
    return argparse.Namespace(**args)


def test_step_plans_and_options(modules, tmp_path):
    bench, _ = modules
    args = _args(tmp_path)
    plans = bench.regime_plans(args)
    assert len(plans) == 2 * 2 * 3      # fractions x seeds x models
    scratch = plans['scratch_p10_s1']
    assert scratch['config'].endswith('configs/sme_gcn/scratch_synthetic.py')
    assert scratch['epochs'] == 30 and 'needs' not in scratch
    opts = scratch['options']
    assert 'train_dataloader.dataset.label_subset=10%/seed1' in opts
    assert ('train_dataloader.dataset.label_subset_file=' + args.subsets
            in opts)
    assert 'randomness.seed=1' in opts
    assert 'val_dataloader.dataset.ann_file=' + args.ann_file in opts
    assert not any('label_subset' in o
                   for o in plans['scratch_p100_s0']['options'])
    fine = plans['finetune_view_aug_projector_p10_s0']
    ckpt = str(tmp_path / 'wd' / 'pretrain_view_aug_projector' /
               'epoch_15.pth')
    assert fine['needs'] == ckpt
    assert fine['config'].endswith('sme_gcn/finetune_synthetic.py')
    assert 'model.backbone.init_cfg.checkpoint=' + ckpt in fine['options']
    pre = bench.pretrain_plan('view_aug_projector', args)
    assert pre['config'].endswith(
        'sme_gcn/pretrain_synthetic_view_aug_projector.py')
    assert pre['epochs'] == 15
    assert bench.pretrain_plan('moco', args)['config'].endswith(
        'sme_gcn/pretrain_synthetic_moco.py')


def test_cli_option_strings_are_config_keys(modules, tmp_path):
    """The options merge into finetune/scratch_synthetic.py without '+'."""
    bench, _ = modules
    from mmengine.config import Config, DictAction

    from aqa_mm.utils.cli import merge_cfg_options
    opts = bench.regime_plans(_args(tmp_path))['scratch_p10_s0']['options']
    parsed = {}
    for opt in opts:
        key, value = opt.split('=', 1)
        parsed[key] = DictAction._parse_iterable(value)
    cfg = Config.fromfile(ROOT / 'configs/sme_gcn/scratch_synthetic.py')
    merge_cfg_options(cfg, parsed)
    ds = cfg.train_dataloader.dataset
    assert ds.label_subset == '10%/seed0'
    assert ds.label_subset_file == str(tmp_path / 'subsets.json')
    assert cfg.randomness.seed == 0 and cfg.model.backbone.init_cfg is None


def test_lanes_skip_missing_encoders_and_steps(modules, tmp_path,
                                              monkeypatch):
    bench, _ = modules
    ran = []
    monkeypatch.setattr(bench, 'run_step',
                        lambda name, plan, a: ran.append(name))
    bench.run_all(_args(tmp_path, only='regimes', fractions=[10]))
    assert ran == ['scratch_p10_s0', 'scratch_p10_s1']
    ran.clear()
    bench.run_all(_args(tmp_path, fractions=[10], lanes=1))
    assert ran[:2] == ['pretrain_faithful', 'pretrain_view_aug_projector']
    assert not any(n.startswith('finetune') for n in ran)  # nothing made
    ran.clear()
    bench.run_all(_args(tmp_path, steps=['scratch_p100_s1',
                                         'pretrain_faithful'], lanes=1))
    assert ran == ['pretrain_faithful', 'scratch_p100_s1']
    with pytest.raises(SystemExit, match='unknown'):
        bench.run_all(_args(tmp_path, steps=['scratch_p50_s0']))


def test_subsets_written_then_checked(modules, tmp_path):
    bench, _ = modules
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(pickle.dumps(make_annotations(num_train=40)))
    args = _args(tmp_path, fractions=[10, 100])
    bench.ensure_subsets(args)
    assert len(read_subset(args.subsets, '10%/seed1')) == 4
    bench.ensure_subsets(args)              # the same draw: accepted
    with pytest.raises(SystemExit, match=r"no subset '5%/seed0'.*--subsets"):
        bench.ensure_subsets(_args(tmp_path, fractions=[5]))
    # another set under the same file: refused, naming both
    other = make_annotations(num_train=40)
    other['split'] = dict(train=[f'sample_{i:03d}' for i in range(1, 41)],
                          test=['sample_000'])
    ann.write_bytes(pickle.dumps(other))
    with pytest.raises(SystemExit, match=r"subsets\.json subset '10%/seed0' "
                       r'is not the draw on .*ann\.pkl'):
        bench.ensure_subsets(args)


def test_committed_subsets_fit_the_generator(modules):
    """The committed file is the draw on the default generator's split."""
    bench, _ = modules
    from aqa_mm.datasets.label_subset import stratified_subset
    from aqa_mm.datasets.synthetic.builder import stratified_split
    from aqa_mm.datasets.synthetic.performance import CLASS_NAMES
    ids = [f'{n}_{i:04d}' for n in CLASS_NAMES for i in range(60)]
    classes = [c for c in range(len(CLASS_NAMES)) for _ in range(60)]
    train = set(stratified_split(classes, ids, 0.25, 0)['train'])
    samples = [(n, c) for n, c in zip(ids, classes) if n in train]
    for pct, count in ((5, 10), (10, 20)):
        for seed in (0, 1, 2):
            kept = read_subset(bench.SUBSETS, f'{pct}%/seed{seed}')
            assert kept == stratified_subset(samples, pct / 100, seed)
            assert len(kept) == count


def _fake_run(work_dir: Path, rho: float, epochs: int = 30):
    run = work_dir / '20261201_000000'
    (run / 'vis_data').mkdir(parents=True)
    lines = [{'loss': 1.0, 'epoch': 1, 'step': 2},
             {'aqa/spearman': 0.99, 'aqa/spearman_fisher_z': 0.9, 'step': 25},
             {'aqa/spearman': rho, 'aqa/spearman_fisher_z': rho - 0.3,
              'step': epochs}]
    (run / 'vis_data' / 'scalars.json').write_text(
        ''.join(json.dumps(rec) + '\n' for rec in lines))
    (work_dir / f'epoch_{epochs}.pth').write_bytes(b'')


def test_report_last_epoch_mean_std(modules, tmp_path):
    bench, report = modules
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(pickle.dumps(make_annotations(num_train=40)))
    args = _args(tmp_path, variants=['view_aug_projector'])
    bench.ensure_subsets(args)
    wd = Path(args.work_dir)
    for seed, (rho_s, rho_f) in enumerate([(0.80, 0.90), (0.84, 0.92)]):
        _fake_run(wd / f'scratch_p10_s{seed}', rho_s)
        _fake_run(wd / f'finetune_view_aug_projector_p10_s{seed}', rho_f)
    _fake_run(wd / 'scratch_p100_s0', 0.95)
    # killed before the last epoch: not counted, even with a better epoch 25
    _fake_run(wd / 'scratch_p100_s1', 0.99, epochs=25)
    out = report.build_report(args)
    ten = out['regimes']['10']
    assert ten['labelled'] == [4, 4] and out['num_train'] == 40
    scratch = ten['models']['scratch']
    assert scratch['spearman']['mean'] == pytest.approx(0.82)
    assert scratch['spearman']['std'] == pytest.approx(
        np.std([0.80, 0.84], ddof=1))
    assert scratch['per_seed']['fisher_z'] == pytest.approx([0.5, 0.54])
    full = out['regimes']['100']['models']['scratch']
    assert full['per_seed']['spearman'] == [0.95, None]
    assert full['spearman']['n'] == 1
    assert out['regimes']['100']['models']['finetune_view_aug_projector'][
        'spearman'] is None
    table = report.report_table(out)
    assert ('| 10 % (4 of 40) | 0.8200 ± 0.0283 (n=2) | 0.9100 ± 0.0141 '
            '(n=2) |') in table
    assert '| 100 % (40 of 40) | 0.9500 ± 0.0000 (n=1) | – |' in table
    assert 'Fisher-z' in table


def test_main_report_only_writes_json_and_markdown(modules, tmp_path,
                                                 capsys):
    bench, _ = modules
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(pickle.dumps(make_annotations(num_train=40)))
    bench.ensure_subsets(_args(tmp_path, fractions=[10]))
    _fake_run(tmp_path / 'wd' / 'scratch_p10_s0', 0.7)
    out = tmp_path / 'res.json'
    bench.main(['--report-only', '--work-dir', str(tmp_path / 'wd'),
                '--subsets', str(tmp_path / 'subsets.json'), '--out',
                str(out), '--fractions', '10', '--seeds', '0', '--variant',
                'faithful'])
    report = json.loads(out.read_text())
    assert report['variants'] == ['faithful']
    assert report['regimes']['10']['models']['scratch']['spearman'][
        'mean'] == pytest.approx(0.7)
    assert (tmp_path / 'res.md').read_text() in capsys.readouterr().out
