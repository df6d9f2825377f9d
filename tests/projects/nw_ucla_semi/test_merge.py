"""projects/nw_ucla_semi/merge.py: earlier reports' finished seeds fill the
ones a new report lacks, and reports of another protocol are refused."""
import copy
import json

import pytest

from projects.nw_ucla_semi.merge import merge_classification
from projects.nw_ucla_semi.plan import SUBSETS


def _cell(*values):
    return dict(per_seed=list(values), mean=sum(values) / len(values),
                std=0.0, n=len(values))


def _report(classification, **kw):
    report = dict(seeds=[0, 1], fractions=[10, 5], subsets=SUBSETS,
                  finetune_from=['faithful:10'],
                  classification=classification)
    report.update(kw)
    return report


def _write(tmp_path, name, report):
    path = tmp_path / name
    path.write_text(json.dumps(report))
    return str(path)


def test_fills_missing_cells_and_keeps_measured_ones(tmp_path):
    empty = dict(per_seed=[None, None])
    new = _report({'10': {'scratch': empty,
                          'finetune_faithful_e10': _cell(70.0, 72.0)},
                   '5': {'scratch': empty}})
    first = _write(tmp_path, 'first.json', _report(
        {'10': {'scratch': _cell(60.0, 62.0),
                'finetune_faithful_e1': _cell(71.0, 69.0),
                'finetune_faithful_e10': _cell(1.0, 1.0)},
         '5': {'scratch': _cell(50.0, 52.0)},
         '100': {'scratch': _cell(90.0, 92.0)}},   # not a fraction here
        finetune_from=['faithful:1', 'faithful:10']))
    second = _write(tmp_path, 'second.json', _report(
        {'10': {'scratch': _cell(0.0, 0.0),        # the first one wins
                'finetune_faithful_e2': empty}}))  # unmeasured: not merged
    merge_classification(new, [first, second])
    cls = new['classification']
    assert cls['10']['scratch']['mean'] == 61.0
    assert cls['10']['scratch']['sources'] == ['first.json'] * 2
    assert cls['10']['finetune_faithful_e10']['mean'] == 71.0  # measured here
    assert 'sources' not in cls['10']['finetune_faithful_e10']
    assert cls['10']['finetune_faithful_e1']['mean'] == 70.0
    assert cls['5']['scratch']['mean'] == 51.0
    assert '100' not in cls and 'finetune_faithful_e2' not in cls['10']
    assert new['finetune_from'] == ['faithful:1', 'faithful:10']
    assert new['merged_from'] == ['first.json', 'second.json']


def test_seeds_of_one_cell_run_in_different_sessions_combine(tmp_path):
    seeds = dict(seeds=[0, 1, 2])
    new = _report({'100': {'scratch': dict(per_seed=[None, 94.0, None])}},
                  fractions=[100], **seeds)
    first = _write(tmp_path, 'first.json', _report(
        {'100': {'scratch': dict(per_seed=[90.0, 0.0, None], mean=45.0,
                                 std=63.6, n=2)}}, **seeds))
    second = _write(tmp_path, 'second.json', _report(
        {'100': {'scratch': dict(per_seed=[1.0, 2.0, 92.0], mean=31.7,
                                 std=52.0, n=3)}}, **seeds))
    merge_classification(new, [first, second])
    cell = new['classification']['100']['scratch']
    assert cell['per_seed'] == [90.0, 94.0, 92.0]
    assert cell['sources'] == ['first.json', None, 'second.json']
    assert (cell['mean'], cell['std'], cell['n']) == (92.0, 2.0, 3)


@pytest.mark.parametrize('change, key', [
    (dict(seeds=[0, 1, 2]), 'seeds'),
    (dict(subsets='other.json'), 'subsets'),
    (dict(finetune_config='nw_ucla_xview_finetune_backbone_lr0.1.py'),
     'finetune_config')])
def test_refuses_another_protocol(tmp_path, change, key):
    new = _report({'10': {}})
    before = copy.deepcopy(new)
    path = _write(tmp_path, 'other.json', _report(
        {'10': {'scratch': _cell(60.0, 62.0)}}, **change))
    with pytest.raises(SystemExit, match=f'other.json: its {key}'):
        merge_classification(new, [path])
    assert new == before


def test_names_a_file_that_is_not_a_report(tmp_path):
    new = _report({'10': {}})
    broken = tmp_path / 'broken.json'
    broken.write_text('{"seeds": [0, 1')
    with pytest.raises(SystemExit, match='broken.json: cannot read'):
        merge_classification(new, [str(broken)])
    with pytest.raises(SystemExit,
                       match=r'list.json: not a .*\(no top-level dict'):
        merge_classification(new, [_write(tmp_path, 'list.json', [1, 2])])
    with pytest.raises(SystemExit, match='no subsets'):
        merge_classification(new, [_write(tmp_path, 'part.json', dict(
            classification={}, seeds=[0, 1]))])
    with pytest.raises(SystemExit, match='missing.json: cannot read'):
        merge_classification(new, [str(tmp_path / 'missing.json')])
