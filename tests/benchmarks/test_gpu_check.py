"""benchmarks/gpu_check*.py: what a machine without a GPU (and without the
.whl/ folder) can check of the GPU run: the step list and its commands, the
steps' --cfg-options against the configs, the wheel-folder check, the
runner's failure handling, the metric readers and the dry-run's report."""
import argparse
import importlib
import json
import math
import sys
import tarfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STEPS = ['data', 'tests', 'train', 'dist', 'throughput', 'i3d', 'pose',
         'cache']


@pytest.fixture
def gpu(monkeypatch):
    """The benchmarks' modules (they import each other as scripts do)."""
    monkeypatch.syspath_prepend(str(ROOT / 'benchmarks'))
    mods = {n: importlib.import_module(f'gpu_check{n}') for n in (
        '', '_steps', '_metrics', '_wheels')}
    return argparse.Namespace(run=mods[''], steps=mods['_steps'],
                              metrics=mods['_metrics'],
                              wheels=mods['_wheels'])


def _ctx(gpu, tmp_path, tiny):
    return gpu.steps.Context(py=sys.executable, work=tmp_path, tiny=tiny,
                             video_dir=tmp_path / 'videos',
                             ctrgcn=tmp_path / 'CTR-GCN')


@pytest.mark.parametrize('tiny', [False, True])
def test_steps_name_existing_tools_and_tests(gpu, tmp_path, tiny):
    steps = gpu.steps.build_steps(_ctx(gpu, tmp_path, tiny))
    assert [s.name for s in steps] == STEPS
    assert sum(s.budget_s for s in steps) <= 470 or tiny  # GPU: ~8 minutes
    for cmd in (c for s in steps for c in s.commands + s.checks):
        for arg in cmd.argv:
            if arg.endswith(('.py', '.sh')) and not arg.startswith('/'):
                assert (ROOT / arg).is_file(), f'{cmd.label}: {arg}'
    for path in gpu.steps.TEST_SUBSET:
        assert (ROOT / path).exists(), path
    skipped = [c.label for s in steps for c in s.commands if c.skip]
    assert skipped == (['pretrain_amp', 'finetune_amp'] if tiny else [])
    commands = {c.label: c for s in steps for c in s.commands}
    assert commands['pytest'].env['AQA_TEST_DEVICE'] == (
        'cpu' if tiny else 'cuda')
    assert '--amp' in commands['finetune_amp'].argv
    assert str(tmp_path / 'CTR-GCN') in commands['finetune'].argv


def test_step_options_fit_the_configs(gpu, tmp_path):
    """The --cfg-options of every step name keys the configs have."""
    from mmengine.config import DictAction

    from aqa_mm.utils import UserError, load_config, merge_cfg_options
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    checks = [c for s in gpu.steps.build_steps(_ctx(gpu, tmp_path, False))
              for c in s.checks if c.argv[1] == '-c']
    assert len(checks) == 3
    for cmd in checks:
        config, options = cmd.argv[3], cmd.argv[5:]
        cfg = load_config(str(ROOT / config))
        merge_cfg_options(cfg, parser.parse_args(
            ['--cfg-options', *options]).cfg_options)
        if 'train_cfg.max_epochs=10' in options:
            assert cfg.train_cfg.max_epochs == 10
    with pytest.raises(UserError, match="unknown key 'train_cfg.max_epoch'"):
        merge_cfg_options(load_config(str(ROOT / gpu.steps.PRETRAIN)),
                          {'train_cfg.max_epoch': 1})


def test_wheel_folder_problems_are_named(gpu, tmp_path):
    want = {'mmengine': '0.10.7', 'decord': '0.6.0', 'xtcocotools': '1.14.3'}
    check = gpu.wheels.check_folder
    assert check(tmp_path / 'nope', want) == [
        f'{tmp_path / "nope"} is missing: run benchmarks/gpu_prepare.sh']
    (tmp_path / 'mmengine-0.10.7-py3-none-any.whl').touch()
    (tmp_path / 'decord-0.6.0-py3-none-manylinux2010_x86_64.whl').touch()
    (tmp_path / 'decord-0.5.2-py3-none-manylinux2010_x86_64.whl').touch()
    (tmp_path / 'xtcocotools-1.14.2.tar.gz').touch()
    problems = check(tmp_path, want)
    assert len(problems) == 2
    assert 'files of decord' in problems[0] and 'keep one' in problems[0]
    assert 'want xtcocotools==1.14.3' in problems[1]
    (tmp_path / 'decord-0.5.2-py3-none-manylinux2010_x86_64.whl').unlink()
    (tmp_path / 'xtcocotools-1.14.2.tar.gz').rename(
        tmp_path / 'xtcocotools-1.14.3.tar.gz')
    assert check(tmp_path, want) == []
    required = gpu.wheels.required()
    assert required['mmcv-lite'] == '2.0.1' and 'yapf' in required
    assert gpu.wheels.dist_of('mmcv_lite-2.0.1-py2.py3-none-any.whl') == (
        'mmcv_lite', '2.0.1')


@pytest.mark.skipif(not (ROOT / '.git').exists(),
                    reason='no git checkout (the GPU machine gets a copy)')
def test_tree_that_travels_fits_the_limit(gpu):
    assert 0 < gpu.wheels.travel_mib(carried=()) < gpu.wheels.LIMIT_MIB / 2


def test_failed_and_timed_out_steps_do_not_stop_the_run(gpu, tmp_path):
    Command, Step = gpu.steps.Command, gpu.steps.Step
    log = open(tmp_path / 'log', 'w')
    fail = Command('fail', [sys.executable, '-c',
                            'print("boom"); raise SystemExit(3)'])
    slow = Command('slow', [sys.executable, '-c',
                            'import time; time.sleep(60)'])
    ok = Command('ok', [sys.executable, '-c', 'print("fine")'])
    later = float('inf')
    step = Step('s', 'test', 30, [fail, ok], [])
    record = gpu.run.run_step(step, step.commands, later, tmp_path, log)
    assert record['status'] == 'failed'
    assert [c['status'] for c in record['commands']] == ['failed', 'ok']
    assert record['commands'][0]['rc'] == 3
    assert record['commands'][0]['error'] == ['boom']
    step = Step('t', 'test', 2, [slow], [])
    record = gpu.run.run_step(step, step.commands, later, tmp_path, log)
    assert record['status'] == 'timeout' and record['seconds'] < 30
    step = Step('u', 'test', 30, [slow], [])
    record = gpu.run.run_step(step, step.commands, time.monotonic() + 5,
                              tmp_path, log)
    assert record['status'] == 'skipped' and 'deadline' in record['reason']
    log.close()
    assert 'boom' in (tmp_path / 'log').read_text()


def test_metrics_readers(gpu, tmp_path):
    m = gpu.metrics
    for run, losses in (('pretrain_fp32', [3.6, 3.1]),
                        ('pretrain_amp', [3.7, float('nan')]),
                        ('finetune_fp32', [1.2, 0.5]),
                        ('finetune_amp', [1.3, 0.45])):
        vis = tmp_path / run / '20260101_000000' / 'vis_data'
        vis.mkdir(parents=True)
        lines = [dict(loss=v, memory=100 + i, step=i)
                 for i, v in enumerate(losses)]
        lines.append({'aqa/spearman': 0.8, 'step': 2})
        (vis / 'scalars.json').write_text(
            '\n'.join(json.dumps(x) for x in lines))
    result = m.train_metrics(tmp_path, {})
    assert result['runs']['finetune_amp']['max_memory_mib'] == 101
    assert result['runs']['finetune_fp32']['val'] == {'aqa/spearman': 0.8}
    assert result['finetune_same_order'] is True
    assert result['finetune_amp_over_fp32_last_loss'] == pytest.approx(0.9)
    assert result['runs']['pretrain_amp']['all_finite'] is False
    assert math.isnan(result['pretrain_amp_over_fp32_last_loss'])
    assert result['pretrain_same_order'] is False
    out = {'x': 'extract_pose.py: shard 0/1: 1 extracted, 0 already done, '
                '0 failed; 72 frames at 31.50 frames/s; failures file: f'}
    assert m.pose_metrics(tmp_path, out)['frames_per_s'] == 31.5
    assert m.headline('pose', m.pose_metrics(tmp_path, out)) == \
        '72 frames at 31.5 frames/s'
    assert 'finetune AMP/fp32 last loss 0.9 (same order, finite: True)' in \
        m.headline('train', result)
    assert m.pose_metrics(tmp_path, {})['frames_per_s'] is None


def test_dry_run_checks_report_missing_wheels_as_messages(gpu, tmp_path,
                                                          monkeypatch):
    monkeypatch.setattr(gpu.wheels, 'WHEEL_DIR', tmp_path / 'no_wheels')
    out = tmp_path / 'out'
    rc = gpu.run.main([str(out), '--dry-run', '--checks-only', '--only',
                       'dist', '--work', str(tmp_path / 'work')])
    report = json.loads((out / 'gpu_check.json').read_text())
    assert rc == 1 and report['mode'] == 'dry-run'
    assert report['wheels']['problems'] == [
        f'{tmp_path / "no_wheels"} is missing: run benchmarks/gpu_prepare.sh']
    assert [(c['label'], c['status']) for c in report['checks']] == [
        ('bash -n', 'ok')]
    assert sorted(p.name for p in out.iterdir()) == [
        'gpu_check.json', 'gpu_check.log', 'gpu_check.md', 'work.tar.gz']
    with tarfile.open(out / 'work.tar.gz') as tar:
        assert all(name.endswith('.log') for name in tar.getnames())
    with pytest.raises(SystemExit, match='unknown step'):
        gpu.run.main([str(out), '--dry-run', '--only', 'nope'])
