"""Reading what a training or test run wrote: metrics, scalars, wall time.

One implementation for every tool, project and benchmark:

- ``metrics.json`` from ``tools/test.py --metrics-out`` (flat
  ``{metric: value}``): :func:`read_metrics_json`;
- mmengine's ``<work_dir>/<timestamp>/vis_data/scalars.json`` (JSON lines,
  one timestamped folder per start of a resumed run): :func:`read_scalars`
  (all records with a key, by step), :func:`scalar_curve` (one value per
  step) and :func:`read_scalars_json` (the last validation record: the
  last epoch, never the best one);
- the ``<timestamp>/<timestamp>.log`` files: :func:`run_minutes`.
"""
import datetime
import glob
import json
import os.path as osp
from typing import Dict, Optional

from aqa_mm.utils.cli import DataError

_LOG_TIME_FORMATS = ((19, '%Y/%m/%d %H:%M:%S'), (14, '%m/%d %H:%M:%S'))


def read_metrics_json(path: str) -> Dict[str, float]:
    """Numeric entries of a ``tools/test.py --metrics-out`` file.

    Args:
        path (str): The JSON file.

    Returns:
        dict[str, float]: Metric → value (null read as NaN).

    Raises:
        DataError: Naming the file when it is not a JSON object of numbers.
    """
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except ValueError as exc:
        raise DataError(f'{path}: not a JSON file ({exc})') from exc
    if not isinstance(data, dict):
        raise DataError(f'{path}: expected a {{metric: value}} object, got '
                        f'{type(data).__name__}')
    out = {k: float('nan') if v is None else float(v)
           for k, v in data.items()
           if v is None or isinstance(v, (int, float))}
    if not out:
        raise DataError(f'{path}: no numeric metric (keys: {sorted(data)}); '
                        'is it a tools/test.py --metrics-out file?')
    return out


def _scalars_lines(path: str):
    """(line number, record) of a JSON-lines file, blank lines skipped."""
    with open(path, encoding='utf-8') as f:
        for i, line in enumerate(f):
            if not line.strip():
                continue
            try:
                yield i + 1, json.loads(line)
            except ValueError as exc:
                raise DataError(f'{path}: line {i + 1} is not JSON '
                                f'({exc})') from exc


def read_scalars_json(path: str) -> Dict[str, float]:
    """The last validation record of one ``scalars.json``.

    Training records (``loss``, ``lr``, ...) have no ``/`` in their keys;
    validation metrics do (``aqa/spearman``).

    Args:
        path (str): The JSON-lines file.

    Returns:
        dict[str, float]: Metric → value of the last validation record.
    """
    last = None
    for _, record in _scalars_lines(path):
        metrics = {k: float(v) for k, v in record.items()
                   if '/' in k and isinstance(v, (int, float))}
        if metrics:
            last = metrics
    if last is None:
        raise DataError(f'{path}: no validation record (no metric with a '
                        '"/" such as aqa/spearman); was validation run?')
    return last


def scalars_files(work_dir: str) -> list:
    """Every ``<timestamp>/vis_data/scalars.json`` of a work_dir, oldest
    first (a resumed run starts a new timestamped folder).

    Args:
        work_dir (str): A ``tools/train.py`` work_dir.

    Returns:
        list[str]: The files (timestamps sort chronologically).
    """
    return sorted(glob.glob(osp.join(work_dir, '2*', 'vis_data',
                                     'scalars.json')))


def read_scalars(path: str, key: str) -> Dict[int, dict]:
    """The scalar records that have ``key``, by step.

    Args:
        path (str): A work_dir (all its runs, resumed ones included; a
            later record of a step replaces an earlier one) or one
            ``scalars.json``.
        key (str): A scalar name, e.g. ``'aqa/spearman'``, ``'acc/top1'``.

    Returns:
        dict[int, dict]: step (epoch for validation records) → the whole
        record, in step order.
    """
    files = [path] if osp.isfile(path) else scalars_files(path)
    records = {}
    for file in files:
        for _, record in _scalars_lines(file):
            if key in record:
                records[int(record['step'])] = record
    return dict(sorted(records.items()))


def scalar_curve(path: str, key: str) -> Dict[int, float]:
    """One value of ``key`` per step: a learning or validation curve.

    Args:
        path (str): A work_dir or one ``scalars.json`` (see
            :func:`read_scalars`).
        key (str): The scalar name.

    Returns:
        dict[int, float]: step → value.
    """
    return {step: float(rec[key])
            for step, rec in read_scalars(path, key).items()}


def log_time(line: str) -> Optional[datetime.datetime]:
    """Timestamp of an mmengine log line, or None for other lines.

    Log files write ``YYYY/MM/DD HH:MM:SS - ...``, the console
    ``MM/DD HH:MM:SS - ...``; both are read.

    Args:
        line (str): One line.

    Returns:
        datetime.datetime | None: Its time.
    """
    for width, fmt in _LOG_TIME_FORMATS:
        try:
            return datetime.datetime.strptime(line[:width], fmt)
        except ValueError:
            continue
    return None


def run_minutes(work_dir: str) -> float:
    """Wall time of a training: per start (timestamped folder), the last
    minus the first time in its log, summed over resumed starts.

    Args:
        work_dir (str): A ``tools/train.py`` work_dir.

    Returns:
        float: Minutes (0 when there is no log).
    """
    total = 0.0
    for log in glob.glob(osp.join(work_dir, '2*', '*.log')):
        with open(log, encoding='utf-8', errors='replace') as f:
            times = [t for t in map(log_time, f) if t is not None]
        if len(times) > 1:
            total += (times[-1] - times[0]).total_seconds() / 60
    return total
