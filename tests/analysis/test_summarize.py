import json
import math

import pytest

from aqa_mm.analysis.summarize import (aggregate, collect, dump_metrics,
                                       format_markdown, infer_group,
                                       read_scalars_json)
from aqa_mm.utils.cli import DataError
from .synthetic_dumps import two_stream_records, write


def _metrics(path, rho, mse=1.0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({'aqa/spearman': rho, 'aqa/mse': mse}))
    return str(path)


def _work_dir(root, config, rhos):
    """A work_dir like the Runner leaves: config dump + scalars.json."""
    (root / f'{config}.py').parent.mkdir(parents=True, exist_ok=True)
    (root / f'{config}.py').write_text(
        f"model = dict()\nwork_dir = '{root}'\n")
    vis = root / '20260101_000000' / 'vis_data'
    vis.mkdir(parents=True)
    (vis / 'config.py').write_text("work_dir = 'x'\n")
    lines = []
    for epoch, rho in enumerate(rhos, 1):
        lines.append(json.dumps(dict(loss=1.0 / epoch, lr=0.1, epoch=epoch,
                                     iter=epoch, step=epoch)))
        lines.append(json.dumps({'aqa/spearman': rho, 'step': epoch}))
    (vis / 'scalars.json').write_text('\n'.join(lines) + '\n')
    return str(vis / 'scalars.json')


def test_scalars_json_takes_last_validation_record(tmp_path):
    path = _work_dir(tmp_path / 'w', 'cfg_a', [0.5, 0.9, 0.7])
    assert read_scalars_json(path) == {'aqa/spearman': 0.7}  # not the best
    (tmp_path / 'train_only.json').write_text('{"loss": 1.0, "step": 1}\n')
    with pytest.raises(DataError, match='train_only.json: no validation'):
        read_scalars_json(str(tmp_path / 'train_only.json'))


def test_infer_group(tmp_path):
    scalars = _work_dir(tmp_path / 'runs' / 'x', 'stgcn_cfg', [0.1])
    assert infer_group(scalars) == 'stgcn_cfg'
    assert infer_group(str(tmp_path / 'b_seed3' / 'metrics.json')) == 'b'
    assert infer_group(str(tmp_path / 'c' / 'seed_1' / 'metrics.json')) == 'c'
    (tmp_path / 'setup.py').write_text('import setuptools\n')  # not a dump
    assert infer_group(str(tmp_path / 'd' / 'metrics.json')) == 'd'


def test_mean_std_grouped(tmp_path):
    args = [_metrics(tmp_path / f'a_seed{s}' / 'metrics.json', r)
            for s, r in enumerate([0.6, 0.8])]
    args.append(_work_dir(tmp_path / 'w', 'a', [0.1, 0.7]))
    args.append(f"named={_metrics(tmp_path / 'x.json', float('nan'))}")
    runs = collect(args)
    assert [r.group for r in runs] == ['a', 'a', 'a', 'named']
    names, table = aggregate(runs)
    assert names == ['aqa/spearman', 'aqa/mse']
    a = table['a']['aqa/spearman']
    assert a['mean'] == pytest.approx(0.7) and a['n'] == 3
    assert a['std'] == pytest.approx(0.1)
    assert table['a']['aqa/mse']['n'] == 2     # the work_dir has no mse
    assert math.isnan(table['named']['aqa/spearman']['mean'])
    text = format_markdown(names, table, runs)
    assert '| a | 3 | 0.7000 ± 0.1000 | 1.0000 ± 0.0000 (n=2) |' in text
    assert '| named | 1 | nan |' in text


def test_metric_patterns_and_dumps(tmp_path):
    dump = write(two_stream_records(), tmp_path / 'p.pkl')
    metrics = dump_metrics(two_stream_records())
    assert {'aqa/spearman_skeleton', 'aqa/spearman_rgb',
            'aqa/spearman_vault', 'aqa/spearman_fisher_z'} <= set(metrics)
    names, _ = aggregate(collect([dump]), ['aqa/spearman_*'])
    assert 'aqa/mse' not in names and 'aqa/spearman_dive' in names
    with pytest.raises(DataError, match="no metric matches \\['nope'\\]"):
        aggregate(collect([dump]), ['nope'])


def test_bad_inputs(tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.json'):
        collect([str(tmp_path / 'missing.json')])
    (tmp_path / 'empty').mkdir()
    with pytest.raises(DataError, match='empty: folder has no metrics.json'):
        collect([str(tmp_path / 'empty')])
    (tmp_path / 'list.json').write_text('[1, 2]')
    with pytest.raises(DataError, match='list.json: expected'):
        collect([str(tmp_path / 'list.json')])
