"""projects/pfm_selectors run.py and report.py: the results JSON built from
the launcher's records (entries of heads not run are kept), the table, and
the carried results rebuilding the README's table."""
import json
from pathlib import Path

import numpy as np
import pytest

from projects.pfm_selectors import report, run

HERE = Path(report.__file__).parent


def _fake_files(tmp_path):
    (tmp_path / 'ann.pkl').write_bytes(b'')
    (tmp_path / 'feats').mkdir()
    (tmp_path / 'feats' / 'preferences_k5_s0.pkl').write_bytes(b'')


def test_main_writes_per_seed_results_and_keeps_other_heads(
        tmp_path, monkeypatch, capsys):
    _fake_files(tmp_path)
    out = tmp_path / 'res.json'
    out.write_text((HERE / 'results' / 'fusion_variants.json').read_text(
        encoding='utf-8'), encoding='utf-8')
    rhos = {'soft_seed0': 0.90, 'soft_seed1': 0.94}

    def fake_launch(r):
        metrics = {'aqa/spearman': rhos[Path(r.work_dir).name],
                   'aqa/spearman_fisher_z': 0.5}
        Path(r.work_dir).mkdir(parents=True)
        (Path(r.work_dir) / 'launch_result.json').write_text(
            json.dumps(dict(metrics=metrics)))
        return metrics
    monkeypatch.setattr(run, 'launch', fake_launch)
    run.main(['--ann-file', str(tmp_path / 'ann.pkl'), '--features',
              str(tmp_path / 'feats'), '--work-dir', str(tmp_path / 'w'),
              '--out', str(out), '--variants', 'soft', '--seeds', '0', '1'])
    saved = json.loads(out.read_text(encoding='utf-8'))
    soft = saved['variants']['soft']
    assert soft['per_seed']['spearman'] == [0.90, 0.94]
    assert soft['spearman']['mean'] == pytest.approx(0.92)
    assert soft['spearman']['std'] == pytest.approx(np.std([0.9, 0.94],
                                                           ddof=1))
    assert soft['select'] == 'last' and soft['fisher_z']['std'] == 0.0
    assert list(saved['variants'])[:2] == ['skeleton_only', 'rgb_only']
    assert saved['variants']['safe']['spearman']['mean'] == 0.9595
    assert saved['command'].startswith('python -m projects.pfm_selectors.'
                                       'run --ann-file')
    printed = capsys.readouterr().out
    assert '| PFM, soft fusion (`2maf_synthetic_cached_soft.py`) | 0.9200 ± '\
        '0.0283 (n=2) |' in printed


def test_unfinished_runs_leave_empty_cells(tmp_path):
    entry = report.variant_entry('configs/x.py', 'x', None, dict(
        spearman=[0.5, None], fisher_z=[None, None]))
    assert entry['spearman'] == dict(mean=0.5, std=None, n=1)
    assert entry['fisher_z'] is None
    table = report.table(dict(variants=dict(x=entry)))
    assert '| x (`configs/x.py`) | 0.5000 (n=1) | – | – |' in table


def test_carried_results_rebuild_the_readme_table(capsys):
    report.main([])
    rows = [line for line in capsys.readouterr().out.splitlines()
            if line.startswith('| ') and 'head (config)' not in line]
    readme = (HERE / 'README.md').read_text(encoding='utf-8')
    assert len(rows) == 10
    for row in rows:
        assert row in readme, row
    assert ('| PFM, cross-fitted labels + safe fallback '
            '(`2maf_synthetic_cached_safe.py`) | 0.9595 ± 0.0002 (n=3) |'
            ) in rows[-1]


def test_missing_cache_is_named_and_help_runs(tmp_path):
    with pytest.raises(SystemExit):
        run.parse_args(['--features', str(tmp_path)])
    with pytest.raises(SystemExit) as exc:
        run.parse_args(['--help'])
    assert exc.value.code == 0
