"""projects/nw_ucla_transfer/report.py: the carried-over results give the
study's table, and a file that is not a results JSON is named."""
import json

import pytest

from projects.nw_ucla_transfer import report


def test_carried_results_give_the_readme_table(capsys):
    report.main([])
    out = capsys.readouterr().out
    assert ('| SME-GCN encoder from scratch (plain CTR-GCN) | 1/5 recipe | '
            '83.62 | 85.56 | 93.10 (ep 13) |') in out
    assert ('| SME pretraining (5 passes) + finetuning | 1/5 recipe | 77.80 '
            '| 84.48 | 91.38 (ep 13) |') in out
    assert '| 3 epochs, fc only | – | – | 42.24 (ep 3) |' in out
    assert '| 3 epochs, fc only | – | – | 11.64 (ep 3) |' in out
    # the run with the LR stepped one epoch late
    assert '94.61 (ep 13)' in out and '90.09 (ep 13)' in out
    assert '| 73.3 | 83.6 | 89.66 |' in out


def test_names_a_file_that_is_not_a_results_json(tmp_path, capsys):
    bad = tmp_path / 'other.json'
    bad.write_text(json.dumps(dict(curves={})))
    with pytest.raises(SystemExit):
        report.main([str(bad)])
    err = capsys.readouterr().err
    assert str(bad) in err and 'results' in err
    broken = tmp_path / 'broken.json'
    broken.write_text('{')
    with pytest.raises(SystemExit):
        report.main([str(broken)])
    assert 'broken.json: cannot read' in capsys.readouterr().err
