"""The NW-UCLA transfer tables, rebuilt from results JSON::

    python -m projects.nw_ucla_transfer.report [JSON ...]

Without arguments it reads every ``projects/nw_ucla_transfer/results/*.json``
(what ``python -m projects.nw_ucla_transfer.run`` writes) and prints one
markdown table per file: NW-UCLA view-3 top-1 (%) after 5 and 10 epochs
(runs that validated there) and at the last epoch, the result.
"""
import argparse
import glob
import json
import os.path as osp
from typing import List, Optional

#: the official CTR-GCN code under the same 1/5 recipe on a 2-core CPU
#: (joint stream, 2 threads)
REFERENCE = {'epoch_5': 73.3, 'epoch_10': 83.6, 'final': 89.66,
             'minutes': 67}
#: step -> (row label, schedule)
ROWS = {
    'scratch': ('SME-GCN encoder from scratch (plain CTR-GCN)',
                '1/5 recipe'),
    'finetune': ('SME pretraining (5 passes) + finetuning', '1/5 recipe'),
    'linear_probe': ('linear probe, frozen SSL encoder', 'fc only'),
    'linear_probe_random': ('linear probe, frozen random encoder (control)',
                            'fc only'),
}
#: results file stem -> title
TITLES = {
    'nw_ucla': 'LR x0.1 at epoch 10 of 13 (the recipe)',
    'nw_ucla_lr_step_late': 'LR x0.1 one epoch late (11 epochs at 0.1, '
                            '2 at 0.01)',
}
RESULTS = osp.join(osp.dirname(osp.abspath(__file__)), 'results')


def _fmt(value: Optional[float]) -> str:
    return '–' if value is None else f'{value:.2f}'


def final_top1(result: dict) -> Optional[float]:
    """Top-1 (%) of a step at its last epoch: the tested checkpoint's, or
    the last validation epoch's (runs that validated every few epochs).

    Args:
        result (dict): One entry of a results JSON's ``results``.

    Returns:
        float | None: The top-1, None for a step without one.
    """
    if result.get('test_top1') is not None:
        return result['test_top1']
    top1 = result.get('top1') or {}
    return top1[max(top1, key=int)] if top1 else None


def _epochs(result: dict) -> Optional[int]:
    """The step's number of epochs, from its recorded options."""
    config = result.get('config', {})
    options = config.get('options')
    if isinstance(options, dict) and 'train_cfg.max_epochs' in options:
        return int(options['train_cfg.max_epochs'])
    if config.get('epochs'):
        return int(config['epochs'])
    top1 = result.get('top1') or {}
    return max(map(int, top1)) if top1 else None


def table(report: dict) -> str:
    """Markdown table of one results JSON.

    Args:
        report (dict): A results JSON (``reference`` and ``results``).

    Returns:
        str: The table; one row for the reference and one per classifier
        step that has a result (the pretraining itself has none).
    """
    ref = report.get('reference', REFERENCE)
    rows = ['| model | schedule | top-1 ep 5 | ep 10 | final (last epoch) |',
            '|---|---|---|---|---|',
            f'| official CTR-GCN, joint (reference) | 1/5 recipe | '
            f'{ref["epoch_5"]} | {ref["epoch_10"]} | {ref["final"]} |']
    for name, (label, schedule) in ROWS.items():
        result = report['results'].get(name)
        if result is None or final_top1(result) is None:
            continue
        top1 = {int(k): v for k, v in (result.get('top1') or {}).items()}
        epochs = _epochs(result)
        if schedule == 'fc only':
            schedule = f'{epochs} epochs, fc only'
        rows.append(f'| {label} | {schedule} | {_fmt(top1.get(5))} | '
                    f'{_fmt(top1.get(10))} | {_fmt(final_top1(result))} '
                    f'(ep {epochs}) |')
    return '\n'.join(rows)


def main(argv: Optional[List[str]] = None) -> None:
    """Print the table of every results JSON given (default: all)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('results', nargs='*', help='results JSON files')
    args = parser.parse_args(argv)
    paths = args.results or sorted(glob.glob(osp.join(RESULTS, '*.json')))
    for path in paths:
        try:
            with open(path, encoding='utf-8') as f:
                report = json.load(f)
        except (OSError, ValueError) as exc:
            parser.error(f'{path}: cannot read it as JSON ({exc})')
        if not isinstance(report, dict) or 'results' not in report:
            parser.error(f'{path}: not a results JSON of '
                         'projects.nw_ucla_transfer.run (no "results")')
        stem = osp.splitext(osp.basename(path))[0]
        print(f'### {TITLES.get(stem, stem)} ({osp.basename(path)})\n')
        print(table(report) + '\n')


if __name__ == '__main__':
    main()
