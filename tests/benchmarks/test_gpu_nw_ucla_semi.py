"""benchmarks/gpu_nw_ucla_semi*: what a machine without a GPU can check of
the long NW-UCLA run: the plan (through ``--print-plan``) against the
bench's own steps and parser, the scheduler, the dry run's options against
the configs, the encoder that comes back against the finetuning config, and
the runner's stop / skip / failure handling on stand-in steps. Nothing
trains."""
import argparse
import importlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[2]
TRANSFER = ROOT / 'configs' / 'sme_gcn' / 'transfer'


@pytest.fixture
def gpu(monkeypatch):
    """The benchmarks' modules (they import each other as scripts do)."""
    monkeypatch.syspath_prepend(str(ROOT / 'benchmarks'))
    return argparse.Namespace(**{n: importlib.import_module(m) for n, m in (
        ('run', 'gpu_nw_ucla_semi'), ('plan', 'gpu_nw_ucla_semi_plan'),
        ('files', 'gpu_nw_ucla_semi_files'), ('semi', 'bench_nw_ucla_semi'))})


@pytest.fixture(scope='module')
def gpu_plan(tmp_path_factory):
    """``gpu_nw_ucla_semi.sh OUT --print-plan`` (the GPU plan), parsed."""
    out = subprocess.run(
        ['bash', str(ROOT / 'benchmarks' / 'gpu_nw_ucla_semi.sh'),
         str(tmp_path_factory.mktemp('out')), '--print-plan'],
        capture_output=True, text=True, timeout=120,
        env=dict(os.environ, AQA_PY=sys.executable))
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_gpu_plan_order_and_timeline(gpu_plan):
    names = [s['name'] for s in gpu_plan['steps']]
    assert names[:2] == ['pretrain_faithful', 'pretrain_view_aug_projector']
    assert names[2:5] == ['finetune_faithful_e13_p10_s0',
                          'finetune_view_aug_projector_e13_p10_s0',
                          'scratch_p10_s0']
    assert [s['tier'] for s in gpu_plan['steps']] == sorted(
        s['tier'] for s in gpu_plan['steps'])
    assert names[-1] == 'scratch_p100_s2' and len(names) == 2 + 3 * 9
    assert gpu_plan['budget_s'] == 540 and gpu_plan['stop_at_s'] == 450
    timeline = {t['name']: t for t in gpu_plan['timeline']}
    assert all(t['end'] <= gpu_plan['stop_at_s'] and t['status'] == 'ok'
               for t in timeline.values())
    pre_end = timeline['pretrain_faithful']['end']
    # every 10 % and 5 % run fits the estimates; no 100 % run holds a lane
    # before the pretrainings end (backfilling takes only short steps)
    assert all(n in timeline for n in names if '_p100_' not in n)
    assert all(t['start'] >= pre_end for n, t in timeline.items()
               if '_p100_' in n or n.startswith('finetune'))
    assert timeline['scratch_p10_s0']['start'] == timeline[
        'pretrain_faithful']['start']
    assert 'scratch_p100_s2' in gpu_plan['not_started']


def test_plan_commands_parse_as_the_bench_runs_them(gpu, gpu_plan, tmp_path,
                                                    monkeypatch):
    """Each step's command, run through the bench's own parser and plans
    (training stubbed), trains exactly that step; the report's is
    --report-only."""
    ann = tmp_path / 'ann.pkl'
    ann.touch()
    work = tmp_path / 'work'
    for v in ('faithful', 'view_aug_projector'):
        (work / f'pretrain_{v}').mkdir(parents=True)
        (work / f'pretrain_{v}' / 'epoch_13.pth').touch()
    ran = []
    monkeypatch.setattr(gpu.semi, 'run_step',
                        lambda name, plan, a: ran.append((name, plan)))
    for step in gpu_plan['steps']:
        argv = step['argv'][2:]
        assert argv[argv.index('--steps') + 1] == step['name']
        assert '--no-report' in argv and '--cfg-options' not in argv
        argv[argv.index('--ann-file') + 1] = str(ann)
        argv[argv.index('--work-dir') + 1] = str(work)
        gpu.semi.main(argv)
        assert ran[-1][0] == step['name']
    assert len(ran) == len(gpu_plan['steps'])
    first = ran[0][1]
    assert first['epochs'] == 13 and 'train_cfg.max_epochs=13' in first[
        'options']
    report = gpu_plan['report_argv']
    assert '--report-only' in report and report[
        report.index('--out') + 1].endswith('nw_ucla_semi.json')


def test_dry_plan_options_fit_every_config(gpu, tmp_path, monkeypatch):
    """The dry run's --cfg-options reach every training run, after the
    bench's own, and exist in the pretraining and classification configs
    (merge_cfg_options rejects unknown keys)."""
    from aqa_mm.utils import load_config, merge_cfg_options
    dry = gpu.plan.DRY
    options = dict(o.split('=') for o in dry['extra_options'])
    configs = {gpu.semi.VARIANTS[v] for v in dry['variants']}
    configs |= {'nw_ucla_xview_scratch.py', 'nw_ucla_xview_finetune.py'}
    for name in sorted(configs):
        cfg = load_config(str(TRANSFER / name))
        merge_cfg_options(cfg, options)
        assert cfg.train_dataloader.dataset.times == '1'
    steps = gpu.plan.build_steps(dry)
    assert [s.name for s in steps] == [
        'pretrain_faithful', 'pretrain_view_aug_projector',
        'finetune_faithful_e1_p100_s0', 'scratch_p100_s0']
    ran = []
    monkeypatch.setattr(gpu.semi, 'run_step',
                        lambda name, plan, a: ran.append(plan['options']))
    (tmp_path / 'ann.pkl').touch()
    argv = gpu.plan.step_argv(dry, ROOT, tmp_path / 'work', 1, steps[3])
    argv[argv.index('--ann-file') + 1] = str(tmp_path / 'ann.pkl')
    gpu.semi.main(argv[2:])
    assert ran[0][-2:] == list(dry['extra_options'])


def test_scheduler_backfills_and_drops_orphans(gpu):
    P = gpu.plan
    steps = [P.Step('pretrain_a', 0), P.Step('finetune_a', 1, 10,
                                             'pretrain_a'),
             P.Step('scratch_p100', 2, 100), P.Step('scratch_p10', 2, 10)]
    est = P.Estimates(pretrain_s=100, overhead_s=10, per_pct_s=1)
    status = {s.name: P.PENDING for s in steps}
    status['pretrain_a'] = P.RUNNING
    started = {'pretrain_a': 0.}
    pick = P.next_step(steps, status, started, 30., 1000., est)
    assert pick.name == 'scratch_p10'   # 110 s would outlast pretrain_a
    assert P.next_step(steps, status, started, 30., 40., est) is None
    status['pretrain_a'] = P.OK
    assert P.next_step(steps, status, started, 101., 1000., est).name == \
        'finetune_a'
    status['pretrain_a'] = 'failed'
    assert P.drop_orphans(steps, status) == ['finetune_a']
    est.observe(steps[3], 30.)  # 20 s over the overhead for 10 %
    assert est(steps[2]) == pytest.approx(210.)
    # a pretraining starts even when it cannot end (its epochs are kept);
    # stopped, it takes its finetuning along
    timeline, left = P.simulate(steps, 1, 0., 80., est)
    assert [(t['name'], t['end'], t['status']) for t in timeline] == [
        ('pretrain_a', 80, 'stopped at the budget')]
    assert left == ['scratch_p100', 'scratch_p10']


def test_encoder_that_comes_back_loads_into_the_finetuning_config(gpu,
                                                                  tmp_path):
    from aqa_mm.registry import MODELS
    pre_cfg = Config.fromfile(
        TRANSFER / 'nw_ucla_xview_pretrain_view_aug_projector.py').model
    pre_cfg.encoder.base_channels = 16
    state = MODELS.build(pre_cfg).state_dict()
    work, out = tmp_path / 'work', tmp_path / 'out'
    pre = work / 'pretrain_view_aug_projector'
    pre.mkdir(parents=True)
    out.mkdir()
    # what mmengine pickles besides tensors: a HistoryBuffer, numpy values
    from mmengine.logging import HistoryBuffer
    loss = HistoryBuffer()
    loss.update(np.float64(1.5))
    torch.save(dict(state_dict=state, optimizer={'x': torch.ones(3)},
                    message_hub=dict(log_scalars=dict(
                        loss=loss)),
                    meta=dict(epoch=2, iter=318, seed=np.int64(0))),
               pre / 'epoch_2.pth')
    (pre / 'epoch_10.pth').write_bytes(b'cut off')  # stopped while saving
    (work / 'features_view_aug_projector_e2.npz').write_bytes(b'x')
    (work / 'features_view_aug_projector_e1.npz').write_bytes(b'x')
    (work / 'scalars.json').write_text('{}')
    name = gpu.files.export_encoder(work, 'view_aug_projector', out)
    assert name == 'encoder_view_aug_projector_e2.pth'
    saved = torch.load(out / name, weights_only=True)
    assert saved['meta']['epoch'] == 2 and saved['meta']['iter'] == 318
    assert set(saved['state_dict']) == {k for k in state
                                        if k.startswith('encoder.')}
    cfg = Config.fromfile(TRANSFER / 'nw_ucla_xview_finetune.py')
    cfg.model.backbone.base_channels = 16
    cfg.model.cls_head.in_channels = 64
    cfg.model.backbone.init_cfg.checkpoint = str(out / name)
    model = MODELS.build(cfg.model)
    model.init_weights()
    for key, value in model.backbone.state_dict().items():
        torch.testing.assert_close(value, state['encoder.' + key])
    gpu.files.pack(work, out)
    with tarfile.open(out / 'work.tar.gz') as tar:
        assert sorted(tar.getnames()) == [
            'features_view_aug_projector_e2.npz', 'scalars.json']


def test_runner_stops_skips_and_records(gpu, tmp_path, monkeypatch):
    """Stand-in steps: one pretraining fails (its finetuning is skipped), a
    scratch run outlasts the budget (stopped), the rest would not fit."""
    P = gpu.plan
    code = {'pretrain_faithful': 'pass', 'pretrain_view_aug_projector':
            'raise SystemExit(3)', 'scratch_p10_s0': 'time.sleep(60)'}
    monkeypatch.setattr(P, 'step_argv', lambda plan, tree, work, th, step: [
        sys.executable, '-c', 'import time; ' + code.get(step.name,
                                                         'time.sleep(.5)')])
    monkeypatch.setattr(P, 'report_argv', lambda *a: [sys.executable, '-c',
                                                      'pass'])
    # the 0.5 s runs on 5 and 10 % make 100 % ~6 s: it does not fit
    monkeypatch.setitem(P.PRIORS, 'gpu', dict(pretrain_s=1., overhead_s=.1,
                                              per_pct_s=.1))
    monkeypatch.setattr(gpu.run, 'POLL_S', .05)
    out = tmp_path / 'out'
    args = gpu.run.parse_args([str(out), '--budget-s', '10', '--reserve-s',
                               '7', '--work', str(tmp_path / 'work')])
    args.out_dir, args.plan = out, dict(P.GPU, seeds=(0, ))
    out.mkdir()
    run = gpu.run.Run(args, gpu.run.ROOT)
    run.train()
    steps = run.record['steps']
    assert steps['pretrain_faithful']['status'] == 'ok'
    assert steps['pretrain_view_aug_projector']['status'] == 'failed'
    assert steps['finetune_view_aug_projector_e13_p10_s0']['status'] == \
        'skipped'
    assert steps['scratch_p10_s0']['status'] == 'stopped at the budget'
    assert steps['scratch_p100_s0']['status'] == 'not started'
    assert [r['kind'] for r in run.record['reports']] == ['features', 'final']
    assert run.record['reports'][-1]['status'] == 'ok'
    assert sorted(p.name for p in out.iterdir()) == [
        'gpu_nw_ucla_semi.json', 'gpu_nw_ucla_semi.log', 'work.tar.gz']
    assert run.elapsed() < 12
