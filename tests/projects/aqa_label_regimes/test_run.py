"""projects/aqa_label_regimes: its runs (subset and encoder options, order,
skipped steps), its subsets file (written, checked, refused) and the
driver's report-only pass."""
import argparse
import json
import pickle
from pathlib import Path

import pytest

from aqa_mm.datasets.label_subset import read_subset
from projects.aqa_label_regimes import plan, run
from tests.conftest import make_annotations
from tests.projects.aqa_label_regimes.launch_fixture import fake_launch

ROOT = Path(__file__).resolve().parents[3]


def _args(tmp_path, **kw):
    args = dict(ann_file=str(tmp_path / 'ann.pkl'),
                work_dir=str(tmp_path / 'wd'),
                subsets=str(tmp_path / 'subsets.json'),
                variants=['faithful', 'view_aug_projector'],
                fractions=[10, 100], seeds=[0, 1], only=None, steps=None)
    args.update(kw)
    return argparse.Namespace(**args)


def test_step_plans_and_options(tmp_path):
    args = _args(tmp_path)
    runs = plan.regime_runs(args)
    assert len(runs) == 2 * 2 * 3      # fractions x seeds x models
    assert list(runs)[:4] == ['scratch_p10_s0', 'scratch_p10_s1',
                              'scratch_p100_s0', 'scratch_p100_s1']
    scratch = runs['scratch_p10_s1']
    assert scratch.config.endswith('configs/sme_gcn/scratch_synthetic.py')
    assert scratch.seed == 1 and scratch.select == 'last' and scratch.test
    assert scratch.work_dir == str(tmp_path / 'wd' / 'scratch_p10_s1')
    opts = scratch.cfg_options
    assert scratch.subsets == {'train_dataloader.dataset': dict(
        label_subset_file=args.subsets, label_subset='10%/seed1')}
    assert opts['val_dataloader.dataset.ann_file'] == args.ann_file
    assert run.CHECKPOINT_KEY not in opts
    assert not runs['scratch_p100_s0'].subsets
    fine = runs['finetune_view_aug_projector_p10_s0']
    ckpt = str(tmp_path / 'wd' / 'pretrain_view_aug_projector' /
               'epoch_15.pth')
    assert fine.config.endswith('sme_gcn/finetune_synthetic.py')
    assert fine.cfg_options[run.CHECKPOINT_KEY] == ckpt
    pre = plan.pretrain_run('view_aug_projector', args)
    assert pre.config.endswith('projects/aqa_label_regimes/configs/'
                               'pretrain_synthetic_view_aug_projector.py')
    assert pre.test is False and pre.seed == 0
    assert plan.pretrain_run('moco', args).config.endswith(
        'aqa_label_regimes/configs/pretrain_synthetic_moco.py')
    for name in plan.VARIANTS.values():
        assert (ROOT / name).is_file(), name


def test_cli_option_strings_are_config_keys(tmp_path):
    """The options merge into finetune/scratch_synthetic.py without '+',
    and the subset wraps the training dataset after them."""
    from mmengine.config import Config

    from aqa_mm.datasets.wrappers import wrap_in_subset
    from aqa_mm.utils.cli import merge_cfg_options
    runs = plan.regime_runs(_args(tmp_path))
    for name in ('scratch_p10_s0', 'finetune_faithful_p10_s0'):
        cfg = Config.fromfile(runs[name].config)
        merge_cfg_options(cfg, runs[name].cfg_options)
        for key, subset_args in runs[name].subsets.items():
            wrap_in_subset(cfg, key, **subset_args)
        ds = cfg.train_dataloader.dataset
        assert ds.type == 'SubsetDataset' and ds.label_subset == '10%/seed0'
        assert ds.label_subset_file == str(tmp_path / 'subsets.json')
        assert ds.dataset.ann_file == str(tmp_path / 'ann.pkl')
    assert cfg.model.backbone.init_cfg.checkpoint.endswith(
        'pretrain_faithful/epoch_15.pth')


def test_steps_skip_missing_encoders_and_keep_order(tmp_path, monkeypatch):
    ran = []
    monkeypatch.setattr(run, 'launch', lambda r: ran.append(
        Path(r.work_dir).name))
    run.run_all(_args(tmp_path, only='regimes', fractions=[10]))
    assert ran == ['scratch_p10_s0', 'scratch_p10_s1']
    ran.clear()
    run.run_all(_args(tmp_path, fractions=[10]))
    assert ran[:2] == ['pretrain_faithful', 'pretrain_view_aug_projector']
    assert not any(n.startswith('finetune') for n in ran)  # nothing made
    ran.clear()
    run.run_all(_args(tmp_path, steps=['scratch_p100_s1',
                                       'pretrain_faithful']))
    assert ran == ['pretrain_faithful', 'scratch_p100_s1']
    ran.clear()
    encoder = tmp_path / 'wd' / 'pretrain_faithful' / 'epoch_15.pth'
    encoder.parent.mkdir(parents=True, exist_ok=True)
    encoder.write_bytes(b'')
    run.run_all(_args(tmp_path, only='regimes', fractions=[10], seeds=[0]))
    assert ran == ['scratch_p10_s0', 'finetune_faithful_p10_s0']
    with pytest.raises(SystemExit, match='unknown'):
        run.run_all(_args(tmp_path, steps=['scratch_p50_s0']))


def test_subsets_written_then_checked(tmp_path):
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(pickle.dumps(make_annotations(num_train=40)))
    args = _args(tmp_path, fractions=[10, 100])
    plan.ensure_subsets(args)
    assert len(read_subset(args.subsets, '10%/seed1')) == 4
    plan.ensure_subsets(args)              # the same draw: accepted
    with pytest.raises(SystemExit, match=r"no subset '5%/seed0'.*--subsets"):
        plan.ensure_subsets(_args(tmp_path, fractions=[5]))
    # another set under the same file: refused, naming both
    other = make_annotations(num_train=40)
    other['split'] = dict(train=[f'sample_{i:03d}' for i in range(1, 41)],
                          test=['sample_000'])
    ann.write_bytes(pickle.dumps(other))
    with pytest.raises(SystemExit, match=r"subsets\.json subset '10%/seed0' "
                       r'is not the draw on .*ann\.pkl'):
        plan.ensure_subsets(args)


def test_committed_subsets_fit_the_generator():
    """The committed file is the draw on the default generator's split."""
    from aqa_mm.datasets.label_subset import stratified_subset
    from aqa_mm.datasets.synthetic.builder import stratified_split
    from aqa_mm.datasets.synthetic.performance import CLASS_NAMES
    ids = [f'{n}_{i:04d}' for n in CLASS_NAMES for i in range(60)]
    classes = [c for c in range(len(CLASS_NAMES)) for _ in range(60)]
    train = set(stratified_split(classes, ids, 0.25, 0)['train'])
    samples = [(n, c) for n, c in zip(ids, classes) if n in train]
    for pct, count in ((5, 10), (10, 20)):
        for seed in (0, 1, 2):
            kept = read_subset(plan.SUBSETS, f'{pct}%/seed{seed}')
            assert kept == stratified_subset(samples, pct / 100, seed)
            assert len(kept) == count


def test_main_report_only_writes_json_and_prints_the_table(tmp_path,
                                                            capsys):
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(pickle.dumps(make_annotations(num_train=40)))
    plan.ensure_subsets(_args(tmp_path, fractions=[10]))
    out = tmp_path / 'res.json'
    argv = ['--report-only', '--work-dir', str(tmp_path / 'wd'),
            '--subsets', str(tmp_path / 'subsets.json'), '--out', str(out),
            '--fractions', '10', '--seeds', '0', '--variants', 'faithful']
    run.main(argv)              # nothing finished: nothing written
    assert not out.exists()
    fake_launch(tmp_path / 'wd' / 'scratch_p10_s0', {'aqa/spearman': 0.7})
    run.main(argv)
    report = json.loads(out.read_text())
    assert report['variants'] == ['faithful']
    assert report['regimes']['10']['models']['scratch']['spearman'][
        'mean'] == pytest.approx(0.7)
    assert report['command'].startswith(
        'python -m projects.aqa_label_regimes.run --report-only')
    assert '| 10 % (4 of 40) | 0.7000 (n=1) | – |' in capsys.readouterr().out


def test_help_runs():
    with pytest.raises(SystemExit) as exc:
        run.parse_args(['--help'])
    assert exc.value.code == 0


def test_a_wrapped_train_set_takes_the_annotations_inside(tmp_path):
    config = tmp_path / 'wrapped.py'
    config.write_text(
        "train_dataloader = dict(dataset=dict(type='SubsetDataset', "
        "dataset=dict(type='AQADataset', ann_file='x.pkl')))\n"
        "val_dataloader = dict(dataset=dict(type='AQADataset', "
        "ann_file='x.pkl'))\ntest_dataloader = val_dataloader\n")
    opts = plan.data_options(_args(tmp_path), str(config))
    assert sorted(opts) == ['test_dataloader.dataset.ann_file',
                            'train_dataloader.dataset.dataset.ann_file',
                            'val_dataloader.dataset.ann_file']
