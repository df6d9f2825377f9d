"""The PFM selector study's table: test ρ of every fusion head, mean ± std
over seeds, beside the paper's AQA-7 "All" ablation.

``python -m projects.pfm_selectors.report`` prints the README's table from
``results/fusion_variants.json``; ``run.py`` writes that JSON.
"""
import argparse
import json
import os.path as osp
from typing import Dict, List, Optional

from aqa_mm.evaluation.functional import format_mean_std, mean_std_cell

DEFAULT_RESULTS = osp.join(osp.dirname(osp.abspath(__file__)), 'results',
                           'fusion_variants.json')
METRICS = (('spearman', 'aqa/spearman'),
           ('fisher_z', 'aqa/spearman_fisher_z'))


def variant_entry(config: str, label: str, paper: Optional[float],
                  per_seed: Dict[str, List[Optional[float]]]) -> dict:
    """One head's JSON entry: its per-seed values and their cells.

    Args:
        config (str): Config path, relative to the repository root.
        label (str): Table label.
        paper (float | None): The paper's AQA-7 "All" ρ of the setting.
        per_seed (dict[str, list]): ``spearman`` / ``fisher_z`` -> one
            value per seed (None for a run not finished).

    Returns:
        dict: ``config``, ``label``, ``paper_aqa7_all``, ``per_seed`` and
        one ``mean_std_cell`` per metric.
    """
    cells = {k: mean_std_cell([v for v in per_seed[k] if v is not None])
             for k, _ in METRICS}
    return dict(config=config, label=label, paper_aqa7_all=paper,
                per_seed=per_seed, **cells)


def table(report: dict) -> str:
    """Markdown: one row per head, in the JSON's order.

    Args:
        report (dict): The results JSON (``variants`` -> entry).

    Returns:
        str: The table (4 decimals).
    """
    lines = ['| head (config) | ρ pooled | ρ Fisher-z avg | '
             'paper, AQA-7 All |', '|---|---|---|---|']
    for entry in report['variants'].values():
        config = entry['config'].replace('configs/2maf/', '')
        paper = entry.get('paper_aqa7_all')
        lines.append(
            f"| {entry['label']} (`{config}`) | "
            f"{format_mean_std(entry['spearman'], 4)} | "
            f"{format_mean_std(entry['fisher_z'], 4)} | "
            f"{'–' if paper is None else f'{paper:.4f}'} |")
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> None:
    """Print the table of a results JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--results', default=DEFAULT_RESULTS,
                        help='results JSON written by run.py')
    args = parser.parse_args(argv)
    with open(args.results, encoding='utf-8') as f:
        print(table(json.load(f)))


if __name__ == '__main__':
    main()
