"""projects/nw_ucla_semi/run.py: the protocol's steps (subset options, the
encoder handed to finetuning, lanes, continuing a pretraining) and its
report read back from launcher-style work dirs and cached features."""
import json
from pathlib import Path

import numpy as np
import pytest

from aqa_mm.datasets.label_subset import write_subsets
from projects.nw_ucla_semi import collect, features, plan, report, run

ARGV = ['--variants', 'faithful', '--pretrain-epochs', '2',
        '--finetune-from', 'faithful:2', '--fractions', '10', '--seeds', '0',
        '1']


@pytest.fixture
def ann(tmp_path):
    path = tmp_path / 'ann.pkl'
    path.write_bytes(b'')
    return path


@pytest.fixture
def launched(monkeypatch):
    """The names of the steps ``launch`` was given, in order."""
    names = []
    monkeypatch.setattr(run, 'launch', lambda r: names.append(
        Path(r.work_dir).name))
    return names


def _args(ann, tmp_path, *extra):
    return run.parse_args(['--ann-file', str(ann), '--work-dir',
                           str(tmp_path / 'wd'), *ARGV, *extra])


def test_subset_and_encoder_options(ann, tmp_path):
    args = _args(ann, tmp_path, '--fractions', '10', '100')
    steps = {s.name: s for s in plan.build_plan(args)}
    scratch = steps['scratch_p10_s1'].run
    assert scratch.subsets['train_dataloader.dataset.dataset'][
        'label_subset'] == '10%/seed1'
    assert scratch.seed == 1 and scratch.select == 'last'
    assert not steps['scratch_p100_s0'].run.subsets
    fine = steps['finetune_faithful_e2_p10_s0']
    ckpt = str(tmp_path / 'wd' / 'pretrain_faithful' / 'epoch_2.pth')
    assert fine.encoder == ckpt
    assert fine.run.cfg_options['model.backbone.init_cfg.checkpoint'] == ckpt
    assert fine.run.config.endswith('configs/sme_gcn/transfer/'
                                    'nw_ucla_xview_finetune.py')
    pre = steps['pretrain_faithful'].run
    assert pre.cfg_options['train_cfg.max_epochs'] == 2 and not pre.test
    other = {s.name: s for s in plan.build_plan(_args(
        ann, tmp_path, '--finetune-config',
        'nw_ucla_xview_finetune_backbone_lr0.1.py'))}
    assert other['finetune_faithful_e2_p10_s0'].run.config.endswith(
        'projects/nw_ucla_semi/configs/'
        'nw_ucla_xview_finetune_backbone_lr0.1.py')
    assert other['scratch_p10_s0'].run.config.endswith(
        'nw_ucla_xview_scratch.py')


def test_cfg_options_reach_every_run_after_its_own(ann, tmp_path):
    args = _args(ann, tmp_path, '--cfg-options',
                 'train_dataloader.dataset.times=1', 'train_cfg.max_epochs=1')
    for step in plan.build_plan(args):
        assert step.run.cfg_options['train_dataloader.dataset.times'] == 1
        assert step.run.cfg_options['train_cfg.max_epochs'] == 1


def _encoder(work_dir: Path, epoch: int) -> None:
    pre = work_dir / 'pretrain_faithful'
    pre.mkdir(parents=True, exist_ok=True)
    (pre / f'epoch_{epoch}.pth').write_bytes(b'')
    (pre / 'last_checkpoint').write_text(str(pre / f'epoch_{epoch}.pth'))


def test_classification_lane_skips_an_encoder_not_ready(ann, tmp_path,
                                                        launched, capsys):
    run.main(['--ann-file', str(ann), '--work-dir', str(tmp_path / 'wd'),
              *ARGV, '--only', 'classification', '--no-report'])
    assert launched == ['scratch_p10_s0', 'scratch_p10_s1']
    assert 'epoch_2.pth is not ready' in capsys.readouterr().out
    _encoder(tmp_path / 'wd', 1)     # pretraining still at epoch 1
    launched.clear()
    run.main(['--ann-file', str(ann), '--work-dir', str(tmp_path / 'wd'),
              *ARGV, '--only', 'classification', '--no-report'])
    assert launched == ['scratch_p10_s0', 'scratch_p10_s1']
    _encoder(tmp_path / 'wd', 2)
    launched.clear()
    run.main(['--ann-file', str(ann), '--work-dir', str(tmp_path / 'wd'),
              *ARGV, '--no-report'])
    assert launched == ['pretrain_faithful', 'finetune_faithful_e2_p10_s0',
                        'scratch_p10_s0', 'finetune_faithful_e2_p10_s1',
                        'scratch_p10_s1']
    launched.clear()
    run.main(['--ann-file', str(ann), '--work-dir', str(tmp_path / 'wd'),
              *ARGV, '--no-report', '--steps', 'scratch_p10_s1',
              'pretrain_faithful'])
    assert launched == ['scratch_p10_s1', 'pretrain_faithful']
    with pytest.raises(SystemExit, match='unknown'):
        run.main(['--ann-file', str(ann), '--work-dir', str(tmp_path / 'wd'),
                  *ARGV, '--steps', 'scratch_p50_s0'])


def test_finished_pretraining_continues_to_more_epochs(ann, tmp_path,
                                                       launched, capsys):
    wd = tmp_path / 'wd'
    _encoder(wd, 2)
    (wd / 'pretrain_faithful' / 'launch_result.json').write_text(json.dumps(
        dict(metrics={}, cfg_options={'train_cfg.max_epochs': 2})))
    argv = ['--ann-file', str(ann), '--work-dir', str(wd), *ARGV,
            '--only', 'pretrain', '--no-report']
    run.main(argv + ['--plan'])
    assert 'pretrain_faithful: done' in capsys.readouterr().out
    argv[argv.index('--pretrain-epochs') + 1] = '4'
    run.main(argv + ['--plan'])
    assert 'pretrain_faithful: continues' in capsys.readouterr().out
    run.main(argv)
    assert launched == ['pretrain_faithful']
    assert (wd / 'pretrain_faithful' / 'launch_result_e2.json').exists()
    assert not (wd / 'pretrain_faithful' / 'launch_result.json').exists()


def _finished(work_dir: Path, acc: float) -> None:
    work_dir.mkdir(parents=True)
    (work_dir / 'launch_result.json').write_text(json.dumps(dict(
        metrics={'acc/top1': acc}, cfg_options={}, minutes=1.0)))


def test_report_tables_and_curve(ann, tmp_path, monkeypatch):
    args = _args(ann, tmp_path, '--seeds', '0', '1', '2')
    wd = Path(args.work_dir)
    for seed, (acc_s, acc_f) in enumerate([(0.60, 0.70), (0.62, 0.74)]):
        _finished(wd / f'scratch_p10_s{seed}', acc_s)
        _finished(wd / f'finetune_faithful_e2_p10_s{seed}', acc_f)
    (wd / 'scratch_p10_s2').mkdir()   # a killed run does not count
    _encoder(wd, 2)
    rng = np.random.default_rng(0)
    names = np.array([f's{i:03d}' for i in range(200)])
    labels = np.arange(200) % 4
    subsets = tmp_path / 'subsets.json'
    write_subsets(list(zip(names, labels)), [0.1], [0, 1, 2], str(subsets))
    monkeypatch.setattr(features, 'SUBSETS', str(subsets))
    for epoch, signal in ((0, 0.0), (2, 5.0)):   # random init, pretrained
        test_labels = np.arange(80) % 4
        np.savez(wd / f'features_faithful_e{epoch}.npz',
                 train=rng.normal(size=(200, 8)) + signal * np.eye(8)[labels],
                 train_labels=labels, train_names=names,
                 test=rng.normal(size=(80, 8)) + signal * np.eye(8)[
                     test_labels], test_labels=test_labels)
    out = collect.build_report(args)
    cls = out['classification']['10']
    assert cls['scratch']['per_seed'] == [60.0, 62.0, None]
    assert cls['scratch']['mean'] == pytest.approx(61.0)
    assert cls['scratch']['n'] == 2
    assert cls['finetune_faithful_e2']['std'] == pytest.approx(
        np.std([70, 74], ddof=1))
    curve = out['curves']['faithful']
    assert [p['passes'] for p in curve] == [0, 10]
    whole = curve[1]['frozen']['100']['knn']
    assert whole['mean'] == pytest.approx(100)
    assert whole['n'] == 1 and whole['std'] is None   # one value, no std
    assert curve[1]['frozen']['10']['knn']['n'] == 3
    assert curve[0]['frozen']['100']['knn']['mean'] < 60
    assert out['subsets'] == plan.SUBSETS
    table = report.classification_table(out)
    assert '| 10 % | 61.00 ± 1.41 (n=2) | 72.00 ± 2.83 (n=2) |' in table
    assert 'kNN, random init' in table and 'probe, faithful 10p' in table
    assert '| 100 % | – | – | ' in table
    assert run.plot_curve(out, str(tmp_path / 'curve.png'))
    assert (tmp_path / 'curve.png').stat().st_size > 1000


def _tiny_nw_ucla(tmp_path: Path) -> Path:
    """A fake NW-UCLA pkl (20 joints, 20 training and 6 test sequences) and
    its 50 % subset file."""
    import pickle
    rng = np.random.default_rng(0)
    annos, split = [], {'xview_train': [], 'xview_val': []}
    for name, count in (('xview_train', 20), ('xview_val', 6)):
        for i in range(count):
            annos.append(dict(frame_dir=f'{name}_{i:02d}', label=i % 10,
                              total_frames=30, keypoint=rng.normal(
                                  size=(1, 30, 20, 3)).astype(np.float32)))
            split[name].append(f'{name}_{i:02d}')
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(pickle.dumps(dict(split=split, annotations=annos)))
    write_subsets([(n, i % 10) for i, n in enumerate(split['xview_train'])],
                  [0.5], [0], str(tmp_path / 'subsets.json'))
    return ann


@pytest.mark.slow
def test_two_lanes_train_for_real(tmp_path, monkeypatch):
    """A 1/8-width pretraining, then a finetuning run from its encoder on a
    labelled half, through the launcher on CPU (one epoch each)."""
    ann = _tiny_nw_ucla(tmp_path)
    monkeypatch.setattr(plan, 'SUBSETS', str(tmp_path / 'subsets.json'))
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '')  # restored afterwards
    wd = tmp_path / 'wd'
    common = ['--ann-file', str(ann), '--work-dir', str(wd), '--device',
              'cpu', '--threads', '1', '--pretrain-epochs', '1',
              '--finetune-from', 'faithful:1', '--fractions', '50',
              '--seeds', '0', '--no-report', '--cfg-options',
              'train_dataloader.num_workers=0',
              'train_dataloader.persistent_workers=False',
              'train_dataloader.dataset.times=1',
              'train_dataloader.dataset.dataset.pipeline.2.clip_len=8']
    run.main(common + ['model.backbone.base_channels=8',
                       'train_dataloader.batch_size=8',
                       'custom_hooks.2.batch_size=8',
                       'custom_hooks.2.train_dataset.pipeline.2.clip_len=8',
                       'custom_hooks.2.test_dataset.pipeline.2.clip_len=8',
                       '--only', 'pretrain'])
    run.main(common + ['+model.backbone.base_channels=8',
                       'model.cls_head.in_channels=32',
                       'train_dataloader.batch_size=4',
                       'train_cfg.max_epochs=1',
                       'test_dataloader.num_workers=0',
                       'test_dataloader.persistent_workers=False',
                       'test_dataloader.dataset.pipeline.2.clip_len=8',
                       '--steps', 'finetune_faithful_e1_p50_s0'])
    result = json.loads((wd / 'finetune_faithful_e1_p50_s0' /
                         'launch_result.json').read_text())
    assert 0 <= result['metrics']['acc/top1'] <= 1
    assert result['subsets']['train_dataloader.dataset.dataset'][
        'label_subset'] == '50%/seed0'
    assert (wd / 'pretrain_faithful' / 'launch_result.json').exists()
    assert collect.final_top1(str(wd / 'finetune_faithful_e1_p50_s0')) == \
        pytest.approx(100 * result['metrics']['acc/top1'])
