"""projects/fisv/run.py: the runs it plans, one real (tiny) run through the
launcher with its per-epoch test curve, the merged results file, and that
finished runs are skipped."""
import argparse
import json

import pytest

from projects.fisv import plan, run


def _ns(tmp_path, **kw):
    args = dict(heads=['meanfc', 'gdlt'], scores=['tes', 'pcs'],
                seeds=[0, 1], gdlt_epochs=50, data_root=str(tmp_path),
                work_dir=str(tmp_path / 'w'))
    args.update(kw)
    return argparse.Namespace(**args)


def test_plan_sets_paths_epochs_and_the_schedule(tmp_path):
    runs = plan.plan_runs(_ns(tmp_path))
    assert [r['key'] for r in runs][:2] == ['meanfc/tes/e100/seed0',
                                            'meanfc/pcs/e100/seed0']
    assert len(runs) == 8
    gdlt = [r for r in runs if r['head'] == 'gdlt'][0]
    opts = gdlt['run'].cfg_options
    assert gdlt['epochs'] == 50 and opts['param_scheduler.0.T_max'] == 50
    assert opts['train_cfg.max_epochs'] == 50
    assert opts['train_dataloader.dataset.ann_file'] == \
        f'{tmp_path}/fisv_tes.pkl'
    assert opts['custom_hooks'][-1]['type'] == 'EpochTestCurveHook'
    assert gdlt['run'].select == 'last' and gdlt['run'].seed == 0
    assert gdlt['run'].work_dir == str(tmp_path / 'w' / 'gdlt_tes_e50_seed0')
    full = plan.plan_runs(_ns(tmp_path, heads=['gdlt'], scores=['pcs'],
                              seeds=[0], gdlt_epochs=None))
    assert full[0]['epochs'] == 400 and full[0]['run'].config.endswith(
        '400e_fisv-pcs.py')
    assert 'param_scheduler.0.T_max' not in plan.plan_runs(_ns(
        tmp_path, heads=['meanfc']))[0]['run'].cfg_options


def test_a_run_trains_tests_the_last_epoch_and_logs_the_curve(
        fisv_root, tmp_path):
    item, = plan.plan_runs(_ns(fisv_root, heads=['meanfc'], scores=['tes'],
                               seeds=[0], work_dir=str(tmp_path / 'w')))
    item['epochs'] = 2
    item['run'].cfg_options['train_cfg.max_epochs'] = 2
    res = run.run_one(item)
    assert sorted(res['curve']) == [1, 2]
    assert res['last'] == pytest.approx(res['curve'][2])
    assert res['best_on_test'] == max(res['curve'].values())
    assert res['best_epoch'] in (1, 2) and res['minutes'] >= 0
    assert res['config'] == ('configs/fisv/'
                             'meanfc_swin-feat_1xb16-100e_fisv-tes.py')
    assert 'custom_hooks' not in res['cfg_options']
    again = run.run_one(item)           # finished: read back, not trained
    assert again['last'] == res['last'] and again['curve'] == res['curve']


def test_save_merges_with_what_the_file_holds(tmp_path):
    out = str(tmp_path / 'fisv.json')
    first = dict(head='gdlt', score='tes', epochs=5, seed=0, last=0.5,
                 best_on_test=0.6, minutes=1.0)
    run.save(out, {'gdlt/tes/e5/seed0': first}, dict(threads=1))
    report = run.save(out, {'gdlt/tes/e5/seed1': dict(first, seed=1,
                                                      last=0.7)},
                      dict(threads=2))
    assert list(report['results']) == ['gdlt/tes/e5/seed0',
                                       'gdlt/tes/e5/seed1']
    assert report['threads'] == 2
    row, = report['summary']
    assert row['last']['mean'] == pytest.approx(0.6)
    assert json.loads((tmp_path / 'fisv.json').read_text()) == report


def test_finished_runs_are_skipped(tmp_path, capsys, monkeypatch):
    (tmp_path / 'fisv_tes.pkl').write_bytes(b'')
    done = dict(head='gdlt', score='tes', epochs=7, seed=0, last=0.4,
                best_on_test=0.5, minutes=2.0)
    (tmp_path / 'fisv.json').write_text(json.dumps(
        dict(results={'gdlt/tes/e7/seed0': done})))

    def no_training(*args):
        raise AssertionError('a finished run was trained again')
    monkeypatch.setattr(run, 'run_one', no_training)
    run.main(['--data-root', str(tmp_path), '--work-dir',
              str(tmp_path / 'w'), '--out', str(tmp_path / 'fisv.json'),
              '--heads', 'gdlt', '--scores', 'tes', '--seeds', '0',
              '--gdlt-epochs', '7'])
    printed = capsys.readouterr().out
    assert ('| GDLT (ours) | cut to 7 epochs | 0.400 (n=1) | – | '
            '0.500 (n=1)') in printed
    saved = json.loads((tmp_path / 'fisv.json').read_text())
    assert list(saved['results']) == ['gdlt/tes/e7/seed0']


def test_missing_data_is_named(tmp_path):
    with pytest.raises(SystemExit):
        run.parse_args(['--data-root', str(tmp_path)])
    with pytest.raises(SystemExit) as exc:
        run.parse_args(['--help'])
    assert exc.value.code == 0
