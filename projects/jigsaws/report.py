"""The floors' table from their results JSON, and the JSON writer.

    python -m projects.jigsaws.report [projects/jigsaws/results/floors.json]
"""
import json
import os.path as osp
import sys
from typing import Optional, Sequence

from aqa_mm.utils.io import atomic_write_text

DEFAULT = osp.join('projects', 'jigsaws', 'results', 'floors.json')
LABELS = dict(duration='duration alone (-T)',
              summary_ridge='29 summary statistics + ridge (alpha by LOO CV)',
              summary_ridge_alpha1='29 summary statistics + ridge (alpha = 1)')


def write_json(record: dict, path: str) -> None:
    """Write a results record atomically, indented, with a final newline.

    Args:
        record (dict): JSON-serialisable record.
        path (str): Destination.
    """
    atomic_write_text(json.dumps(record, indent=1) + '\n', path)


def floors_table(record: dict) -> str:
    """A Markdown table: one row per floor, Spearman per task and the
    Fisher-z average (the mean over a task's test parts; for ``loso``, the
    Spearman of its pooled test predictions).

    Args:
        record (dict): What ``projects.jigsaws.floors.run`` returns.

    Returns:
        str: The table.
    """
    floors = record['floors']
    tasks = list(next(iter(floors.values()))['tasks'])
    pooled = record.get('protocol') == 'loso'
    rho, avg = ('pooled', 'fisher_z_pooled') if pooled else ('mean',
                                                              'fisher_z')
    lines = ['| floor | ' + ' | '.join(t.replace('_', ' ') for t in tasks)
             + ' | Fisher-z avg |',
             '|---|' + '---:|' * (len(tasks) + 1)]
    for name, floor in floors.items():
        cells = [f"{floor['tasks'][t][rho]:.3f}" for t in tasks]
        lines.append(f'| {LABELS.get(name, name)} | ' + ' | '.join(cells)
                     + f' | {floor[avg]:.3f} |')
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Print the table of the given (or the default) results JSON."""
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0] if argv else DEFAULT, encoding='utf-8') as f:
        print(floors_table(json.load(f)))


if __name__ == '__main__':
    main()
