"""benchmarks/gpu_check.py: its CPU dry run passes (every step, tiny), the
GPU plan names existing scripts and config keys, failed and timed-out
commands are recorded, and the readers of a training run's scalars."""
import argparse
import json
import math
import os
import sys

import pytest
from mmengine.config import DictAction

from aqa_mm.utils import load_config, merge_cfg_options
from benchmarks import gpu_check
from benchmarks.gpu_check_steps import (STEPS, TESTS, Command, Plan,
                                        build_steps)
from tests.conftest import ROOT


@pytest.mark.slow
def test_dry_run_passes(tmp_path):
    """The whole check, tiny, on the CPU (a few minutes on 2 cores)."""
    data = os.environ.get('AQA_DATA_DIR')
    has_video = bool(data) and os.path.isfile(
        os.path.join(data, 'videos', 'demo_skeleton.mp4'))
    out = tmp_path / 'gpu_check.json'
    assert gpu_check.main(['--dry-run', '--work', str(tmp_path / 'work'),
                           '--out', str(out)]) == 0
    report = json.loads(out.read_text())
    assert report['mode'] == 'dry-run' and report['device'] == 'cpu'
    steps = {s['name']: s for s in report['steps']}
    assert list(steps) == list(STEPS)
    assert steps['pose']['status'] == ('ok' if has_video else 'skipped')
    assert all(s['status'] == 'ok' for n, s in steps.items() if n != 'pose')
    train = steps['train']['metrics']
    assert set(train) == {'pretrain_fp32', 'finetune_fp32'}
    assert all(r['all_finite'] for r in train.values())
    assert -1 <= train['finetune_fp32']['spearman'] <= 1
    skipped = [c for c in steps['train']['commands']
               if c['status'] == 'skipped']
    assert [c['reason'] for c in skipped] == ['--amp needs CUDA'] * 2
    encoder = steps['encoder']['metrics']
    assert set(encoder) == {'encoder', 'encoder_pretrain'}
    assert 'SMEGCN AMP / fp32' in encoder['encoder']['ratios']
    assert 'runs' not in encoder['encoder']['results']['SMEGCN (ours)']
    # commands as a results JSON records them: no absolute path
    text = out.read_text()
    assert str(tmp_path) not in text and sys.executable not in text
    assert report['command'] == ('python benchmarks/gpu_check.py --dry-run '
                                 '--work work --out gpu_check.json')


def test_gpu_plan_names_existing_scripts_and_config_keys(tmp_path):
    plan = Plan(tmp_path, 'cuda', tiny=False, epochs=5)
    steps = build_steps(plan)
    assert list(steps) == list(STEPS)
    commands = [c for cmds in steps.values() for c in cmds]
    for cmd in commands:
        for arg in cmd.argv:
            if arg.endswith('.py') and not arg.startswith('/'):
                assert (ROOT / arg).is_file(), f'{cmd.label}: {arg}'
        if '--device' in cmd.argv:
            assert cmd.argv[cmd.argv.index('--device') + 1] == 'cuda'
    assert all((ROOT / path).is_file() for path in TESTS)
    labels = [c.label for c in steps['train'] if not c.skip]
    assert labels == ['data', 'pretrain_fp32', 'finetune_fp32',
                      'pretrain_amp', 'finetune_amp']
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    for cmd in steps['train'][1:]:  # the options fit the configs' keys
        config = cmd.argv[2]
        options = cmd.argv[cmd.argv.index('--cfg-options'):]
        cfg = load_config(str(ROOT / config))
        merge_cfg_options(cfg, parser.parse_args(options).cfg_options)
        assert cfg.train_cfg.max_epochs == 5
    assert '--amp' in steps['train'][-1].argv
    assert plan.shown(str(tmp_path / 'x')) == 'WORK/x'
    assert plan.shown(sys.executable) == 'python'


def test_failed_and_timed_out_commands_are_recorded(tmp_path):
    plan = Plan(tmp_path, 'cpu', tiny=True, epochs=1)
    (tmp_path / 'logs').mkdir()
    fail = Command('fail', [sys.executable, '-c',
                            'print("boom"); raise SystemExit(3)'])
    slow = Command('slow', [sys.executable, '-c',
                            'import time; time.sleep(60)'])
    ok = Command('ok', [sys.executable, '-c', 'print("fine")'])
    skip = Command('skip', ['false'], skip='not here')
    step = gpu_check.run_step('encoder', [fail, ok, skip], plan, 30)
    assert step['status'] == 'failed'
    assert [c['status'] for c in step['commands']] == ['failed', 'ok',
                                                       'skipped']
    assert step['commands'][0]['rc'] == 3
    assert step['commands'][0]['error'] == ['boom']
    assert step['commands'][0]['argv'][0] == 'python'
    step = gpu_check.run_step('i3d', [slow], plan, 2)
    assert step['status'] == 'failed' and step['seconds'] < 30
    assert step['commands'][0]['status'] == 'timeout'
    assert gpu_check.run_step('pose', [skip], plan, 2)['status'] == 'skipped'


def test_run_summary_reads_losses_memory_and_spearman(tmp_path):
    vis = tmp_path / '20260101_000000' / 'vis_data'
    vis.mkdir(parents=True)
    lines = [dict(loss=v, memory=100 + i, step=i + 1)
             for i, v in enumerate([1.2, 0.5])]
    lines.append({'aqa/spearman': 0.8, 'step': 1})
    (vis / 'scalars.json').write_text('\n'.join(map(json.dumps, lines)))
    run = gpu_check.run_summary(tmp_path)
    assert run == dict(first_loss=1.2, last_loss=0.5, all_finite=True,
                       max_memory_mib=101, spearman=0.8)
    assert gpu_check.headline('train', dict(finetune_fp32=run)) == \
        'finetune_fp32 loss 1.2->0.5, rho 0.800'
    assert gpu_check.run_summary(tmp_path / 'none')['last_loss'] is None
    nan = dict(loss=math.nan, step=3)
    (vis / 'scalars.json').write_text('\n'.join(map(json.dumps,
                                                    lines + [nan])))
    assert gpu_check.run_summary(tmp_path)['all_finite'] is False


@pytest.mark.parametrize('args,message', [
    (['--dry-run', '--device', 'cuda'], '--dry-run runs on the CPU'),
    (['--only', 'nope'], "invalid choice: 'nope'")])
def test_refused_options(args, message, capsys):
    with pytest.raises(SystemExit):
        gpu_check.main(args)
    assert message in capsys.readouterr().err
