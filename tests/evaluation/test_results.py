import json

import pytest

from aqa_mm.evaluation.results import (log_time, read_metrics_json,
                                       read_scalars, read_scalars_json,
                                       run_minutes, scalar_curve)
from aqa_mm.utils.cli import DataError


def _write_run(work_dir, stamp, records, log_lines=()):
    """A timestamped mmengine run folder with scalars and a log."""
    vis = work_dir / stamp / 'vis_data'
    vis.mkdir(parents=True)
    (vis / 'scalars.json').write_text(
        '\n'.join(json.dumps(r) for r in records) + '\n')
    (work_dir / stamp / f'{stamp}.log').write_text(''.join(log_lines))


def test_read_metrics_json(tmp_path):
    path = tmp_path / 'metrics.json'
    path.write_text(json.dumps({'aqa/spearman': 0.5, 'aqa/mse': None,
                                'note': 'x'}))
    metrics = read_metrics_json(str(path))
    assert metrics['aqa/spearman'] == 0.5 and 'note' not in metrics
    path.write_text('[1, 2]')
    with pytest.raises(DataError, match='metrics.json'):
        read_metrics_json(str(path))


def test_resumed_run_scalars_later_start_wins(tmp_path):
    _write_run(tmp_path, '20260101_000000', [
        dict(step=1, loss=1.0), dict(step=1, **{'aqa/spearman': 0.1}),
        dict(step=2, **{'aqa/spearman': 0.2})],
        ['2026/01/01 00:00:00 - start\n', 'no time here\n',
         '2026/01/01 00:10:00 - end\n'])
    # resumed from epoch 1: epoch 2 runs again and epoch 3 follows
    _write_run(tmp_path, '20260101_001500', [
        dict(step=2, **{'aqa/spearman': 0.25}),
        dict(step=3, **{'aqa/spearman': 0.3})],
        ['2026/01/01 00:15:00 - start\n', '2026/01/01 00:20:00 - end\n'])
    assert scalar_curve(str(tmp_path), 'aqa/spearman') == {
        1: 0.1, 2: 0.25, 3: 0.3}
    assert list(read_scalars(str(tmp_path), 'loss')) == [1]
    one = tmp_path / '20260101_000000' / 'vis_data' / 'scalars.json'
    assert scalar_curve(str(one), 'aqa/spearman') == {1: 0.1, 2: 0.2}
    assert read_scalars_json(str(one)) == {'aqa/spearman': 0.2}
    assert run_minutes(str(tmp_path)) == pytest.approx(15.0)


def test_scalars_errors_name_the_file(tmp_path):
    _write_run(tmp_path, '20260101_000000', [dict(step=1, loss=1.0)])
    path = tmp_path / '20260101_000000' / 'vis_data' / 'scalars.json'
    with pytest.raises(DataError, match='no validation record'):
        read_scalars_json(str(path))
    path.write_text('{"step": 1}\nnot json\n')
    with pytest.raises(DataError, match='line 2'):
        read_scalars(str(path), 'loss')


def test_log_time_reads_file_and_console_lines():
    assert log_time('2026/01/02 03:04:05 - mmengine - INFO').hour == 3
    assert log_time('01/02 03:04:05 - mmengine - INFO').minute == 4
    assert log_time('Epoch(train) [1]') is None
