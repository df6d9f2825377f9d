"""projects/nw_ucla_semi/report.py: the carried-over results give the
study's tables (the numbers of its README), one value has no std, and a
file that is not a report is named."""
import json

import pytest

from projects.nw_ucla_semi import plot, report


@pytest.fixture(scope='module')
def tables():
    return report.readme_tables()


def test_headline_table(tables):
    assert ('| 10 % | 66.38 ± 3.96 (n=3) | 70.91 ± 1.14 (n=3) | 28.59 ± 0.12 '
            '| 32.26 ± 3.20 | 24.64 ± 0.82 | 35.70 ± 5.39 | 40.09 ± 2.82 | '
            '38.65 ± 2.18 | 37.14 ± 4.06 | 37.64 ± 1.11 |') in tables
    assert ('| 5 % | 57.54 ± 2.99 (n=3) | 48.20 ± 5.47 (n=3) | 24.50 ± 3.02 '
            '| 28.81 ± 1.83 | 23.78 ± 3.91 | 31.54 ± 3.16 | 37.72 ± 1.14 | '
            '34.48 ± 3.95 | 33.84 ± 1.94 | 35.27 ± 3.14 |') in tables
    # 100 %: the classification cells of fraction_100.json; one frozen
    # value per checkpoint (the JSON's std 0 for n = 1 is not shown)
    assert ('| 100 % | 92.17 ± 0.45 (n=3) | 92.17 ± 0.25 (n=3) | 43.53 | '
            '49.78 | 44.40 | 49.35 | 58.84 | 69.61 | 64.66 | 70.91 |'
            ) in tables


def test_schedule_and_options_tables(tables):
    assert '| InfoNCE, epoch mean | – | 0.81 | 0.07 | 0.03 | 0.01 |' in tables
    assert '| probe, whole split | 58.62 | 69.61 | 66.81 | 60.99 | 59.70 |' \
        in tables
    assert ('| 70.91 ± 1.14 (n=3) | 70.91 ± 3.22 (n=3) | 68.46 ± 5.69 (n=3) '
            '| 69.97 ± 3.38 (n=3) |') in tables
    assert '| 48.20 ± 5.47 (n=3) | – | 54.96 ± 9.34 (n=3) | ' \
        '52.59 ± 11.09 (n=3) |' in tables
    assert '| 5 % | 57.54 ± 2.99 (n=3) | 56.32 ± 2.60 (n=3) |' in tables
    assert ('| 10 % | – | 65.37 ± 2.40 (n=3) | 66.81 ± 10.06 (n=3) | '
            '68.03 ± 0.25 (n=3) |') in tables
    assert '| pretext_options | 10 % | finetune_view_aug_e1 | 68.32 | ' \
        '67.89 | 67.89 |' in tables
    # every cell once: the scratch runs merged into later reports are not
    # repeated
    assert tables.count('| 10 % | scratch |') == 1


def test_one_value_has_no_std():
    assert report.fmt(dict(mean=43.534, std=0.0, n=1)) == '43.53 (n=1)'
    assert report.fmt(dict(mean=1.0, std=0.5, n=2), show_n=False) == \
        '1.00 ± 0.50'
    assert report.fmt(None) == '–' and report.fmt(dict(per_seed=[])) == '–'


def test_carried_reports_redraw(tmp_path):
    """Every carried report draws its curve (the options' one lacks the
    5 % frozen cells of two variants)."""
    for stem in report.SECTIONS:
        out = tmp_path / f'{stem}.png'
        plot.main([f'{report.RESULTS}/{stem}.json', '--out', str(out)])
        assert out.read_bytes()[:4] == b'\x89PNG'


def test_names_a_file_that_is_not_a_report(tmp_path, capsys):
    other = tmp_path / 'other.json'
    other.write_text(json.dumps(dict(results={})))
    with pytest.raises(SystemExit, match=r'other.json: not a report .*'
                       'classification'):
        report.main([str(other)])
    report.main([f'{report.RESULTS}/fraction_100.json'])
    assert '| fraction_100.json | 100 % | scratch | 92.67 | 91.81 | 92.03 |' \
        in capsys.readouterr().out
