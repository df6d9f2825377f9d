"""projects/aqa_label_regimes/report.py: the last-epoch ρ read back from
the launcher's records, mean ± sample std over seeds, and the README's
table rebuilt from the carried results JSON."""
import argparse
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from projects.aqa_label_regimes import plan, report
from tests.conftest import make_annotations
from tests.projects.aqa_label_regimes.launch_fixture import fake_launch

HERE = Path(report.__file__).parent


def test_report_last_epoch_mean_std(tmp_path):
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(pickle.dumps(make_annotations(num_train=40)))
    args = argparse.Namespace(
        ann_file=str(ann), work_dir=str(tmp_path / 'wd'),
        subsets=str(tmp_path / 'subsets.json'),
        variants=['view_aug_projector'], fractions=[10, 100], seeds=[0, 1])
    plan.ensure_subsets(args)
    wd = tmp_path / 'wd'
    for seed, (rho_s, rho_f) in enumerate([(0.80, 0.90), (0.84, 0.92)]):
        fake_launch(wd / f'scratch_p10_s{seed}', {
            'aqa/spearman': rho_s, 'aqa/spearman_fisher_z': rho_s - 0.3})
        fake_launch(wd / f'finetune_view_aug_projector_p10_s{seed}',
                    {'aqa/spearman': rho_f})
    fake_launch(wd / 'scratch_p100_s0', {'aqa/spearman': 0.95}, minutes=4.0)
    # killed before the end: no record, not counted
    (wd / 'scratch_p100_s1').mkdir()
    fake_launch(wd / 'pretrain_view_aug_projector', {}, minutes=5.5)
    out = report.build_report(args)
    assert out['pretrain_minutes'] == {'view_aug_projector': 5.5}
    ten = out['regimes']['10']
    assert ten['labelled'] == [4, 4] and out['num_train'] == 40
    scratch = ten['models']['scratch']
    assert scratch['spearman']['mean'] == pytest.approx(0.82)
    assert scratch['spearman']['std'] == pytest.approx(
        np.std([0.80, 0.84], ddof=1))
    assert scratch['per_seed']['fisher_z'] == pytest.approx([0.5, 0.54])
    assert ten['models']['finetune_view_aug_projector']['fisher_z'] is None
    full = out['regimes']['100']['models']['scratch']
    assert full['per_seed']['spearman'] == [0.95, None]
    assert full['minutes'] == [4.0, None]
    assert full['spearman'] == dict(mean=0.95, std=None, n=1)
    assert out['regimes']['100']['models']['finetune_view_aug_projector'][
        'spearman'] is None
    table = report.report_table(out)
    assert ('| 10 % (4 of 40) | 0.8200 ± 0.0283 (n=2) | 0.9100 ± 0.0141 '
            '(n=2) |') in table
    assert '| 100 % (40 of 40) | 0.9500 (n=1) | – |' in table
    assert 'Fisher-z' in table


def test_carried_results_rebuild_the_readme_table():
    with open(HERE / 'results' / 'aqa_label_regimes.json') as f:
        carried = json.load(f)
    table = report.report_table(carried)
    readme = (HERE / 'README.md').read_text(encoding='utf-8')
    rows = [line for line in table.splitlines() if line.startswith('| ')]
    assert len(rows) == 8
    for row in rows:
        assert row in readme, row
    five = carried['regimes']['5']['models']
    assert five['finetune_faithful']['spearman']['mean'] == pytest.approx(
        0.6878, abs=5e-5)
    assert carried['subsets'] == ('projects/aqa_label_regimes/results/'
                                  'aqa_label_subsets.json')


def test_main_prints_the_table(capsys):
    report.main([])
    printed = capsys.readouterr().out
    assert '| 5 % (10 of 225) | 0.4853 ± 0.1559 (n=3) |' in printed
