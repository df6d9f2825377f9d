"""The floors end to end: a synthetic set where shorter trials score
higher, the command line and its record, and the real data."""
import json

import pytest

from aqa_mm.datasets.converters.jigsaws_reader import TASKS
from projects.jigsaws import floors
from projects.jigsaws.report import floors_table


def test_synthetic_duration_floor_is_perfect(fake_jigsaws):
    record = floors.run(str(fake_jigsaws))
    duration = record['floors']['duration']
    for task in TASKS:
        assert duration['tasks'][task]['test_sizes'] == [4, 4, 4, 4]
        assert duration['tasks'][task]['mean'] > 0.9
    assert duration['fisher_z'] > 0.9
    ridge = record['floors']['summary_ridge']  # duration is a feature
    assert ridge['fisher_z'] > 0.5
    assert all(len(t['alphas']) == 4 for t in ridge['tasks'].values())
    assert record['trials'] == dict(usable=48, skipped=[])
    assert len(record['features']) == 29
    assert '| duration alone (-T) |' in floors_table(record)


def test_loso_parts(fake_jigsaws):
    parts = floors.protocol_parts(str(fake_jigsaws / 'musdl_splits.pkl'),
                                  [f'Knot_Tying_{s}00{t}' for s in 'BCDE'
                                   for t in (1, 2, 3, 4)], 'loso')
    assert [len(test) for _, test in parts['Knot_Tying']] == [4, 4, 4, 4]
    assert parts['Suturing'] == []


def test_cli_writes_a_portable_record(fake_jigsaws, tmp_path, monkeypatch,
                                      capsys):
    monkeypatch.setenv('AQA_DATA_DIR', str(fake_jigsaws.parent))
    out = tmp_path / 'floors.json'
    floors.main(['--data', str(fake_jigsaws), '--out', str(out)])
    record = json.loads(out.read_text())
    assert record['command'] == ('python -m projects.jigsaws.floors --data '
                                 f'$AQA_DATA_DIR/{fake_jigsaws.name}')
    assert str(tmp_path) not in out.read_text()
    assert str(fake_jigsaws) not in out.read_text()
    assert 'Fisher-z avg' in capsys.readouterr().out


def test_missing_fold_file_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit):
        floors.main(['--data', str(tmp_path)])
    assert 'musdl_splits.pkl not found' in capsys.readouterr().err


def test_real_floors(real_data_dir):
    """The recorded duration floor (0.505; Knot Tying 0.713) on the real
    archive and MUSDL's folds."""
    record = floors.run(str(real_data_dir / 'jigsaws'))
    assert record['trials'] == dict(usable=102, skipped=['Suturing_G001'])
    duration = record['floors']['duration']
    assert duration['fisher_z'] == pytest.approx(0.505, abs=5e-4)
    assert duration['tasks']['Knot_Tying']['mean'] == pytest.approx(0.713,
                                                                    abs=5e-4)
    assert record['floors']['summary_ridge_alpha1']['fisher_z'] == \
        pytest.approx(0.669, abs=5e-4)


def test_loso_record_reports_pooled(fake_jigsaws):
    record = floors.run(str(fake_jigsaws), protocol='loso')
    duration = record['floors']['duration']
    assert duration['tasks']['Suturing']['test_sizes'] == [4, 4, 4, 4]
    table = floors_table(record)
    pooled = duration['tasks']['Knot_Tying']['pooled']
    assert f'| duration alone (-T) | {pooled:.3f} |' in table
