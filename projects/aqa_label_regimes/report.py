"""The report of the AQA label-regime study: the finished runs' test ρ
(last epoch), mean ± std over seeds, and its markdown table.

``python -m projects.aqa_label_regimes.report`` prints the table of
``results/aqa_label_regimes.json`` (the README's table);
``run.py`` builds that JSON from the runs' work dirs.
"""
import argparse
import json
import os.path as osp
from typing import Dict, List, Optional

from aqa_mm.engine.launcher import read_launch_result
from aqa_mm.evaluation.functional import format_mean_std, mean_std_cell
from .plan import (FINETUNE_EPOCHS, PRETRAIN_EPOCHS, RESULTS, SOURCE,
                   labelled_counts, rel)

DEFAULT_RESULTS = osp.join(RESULTS, 'aqa_label_regimes.json')
METRICS = (('spearman', 'aqa/spearman'),
           ('fisher_z', 'aqa/spearman_fisher_z'))


def final_metrics(work_dir: str) -> Optional[Dict[str, Optional[float]]]:
    """Test ρ of a finished finetuning / scratch run (its last epoch).

    Args:
        work_dir (str): The run's work dir.

    Returns:
        dict | None: ``spearman`` (pooled), ``fisher_z`` (class average,
        None if not computed) and ``minutes``; None while the run has not
        finished.
    """
    done = read_launch_result(work_dir)
    if done is None:
        return None
    out = {name: done['metrics'].get(key) for name, key in METRICS}
    out['minutes'] = done.get('minutes')
    return out


def _cell(values: List[Optional[float]]) -> Optional[dict]:
    """:func:`mean_std_cell` of the seeds that have a value."""
    return mean_std_cell([v for v in values if v is not None])


def build_report(args: argparse.Namespace) -> dict:
    """Per regime and model: per-seed and mean ± std ρ, as a JSON dict.

    Args:
        args (argparse.Namespace): ``work_dir``, ``subsets``, ``ann_file``,
            ``fractions``, ``seeds``, ``variants``.

    Returns:
        dict: The results JSON (``regimes`` -> fraction -> ``labelled``
        per seed and ``models`` -> model -> ``per_seed``, ``spearman``,
        ``fisher_z`` cells and ``minutes``).
    """
    with open(args.subsets, encoding='utf-8') as f:
        total = json.load(f)['num_samples']
    models = ['scratch'] + [f'finetune_{v}' for v in args.variants]
    regimes = {}
    for fraction in args.fractions:
        cells = {}
        for model in models:
            finals = [final_metrics(osp.join(args.work_dir,
                                             f'{model}_p{fraction}_s{s}'))
                      for s in args.seeds]
            per_seed = {k: [m[k] if m else None for m in finals]
                        for k, _ in METRICS}
            cells[model] = dict(
                per_seed=per_seed,
                **{k: _cell(per_seed[k]) for k, _ in METRICS},
                minutes=[m['minutes'] if m else None for m in finals])
        regimes[str(fraction)] = dict(
            labelled=labelled_counts(args, fraction, total), models=cells)
    pretraining = {}
    for variant in args.variants:
        done = read_launch_result(osp.join(args.work_dir,
                                           f'pretrain_{variant}'))
        if done is not None:
            pretraining[variant] = done.get('minutes')
    return dict(dataset=SOURCE, ann_file=rel(args.ann_file),
                num_train=total, seeds=args.seeds,
                fractions=args.fractions, variants=args.variants,
                pretrain_epochs=PRETRAIN_EPOCHS,
                finetune_epochs=FINETUNE_EPOCHS, metric='aqa/spearman at '
                'the last epoch (test split)', subsets=rel(args.subsets),
                pretrain_minutes=pretraining, regimes=regimes)


def report_table(report: dict) -> str:
    """Markdown: one row per regime, one column per model, per metric.

    Args:
        report (dict): A results JSON of :func:`build_report`.

    Returns:
        str: Two tables (pooled ρ, Fisher-z class average).
    """
    models = ['scratch'] + [f'finetune_{v}' for v in report['variants']]
    head = ['labels (train samples)', 'scratch'] + [
        f'SME {v} + finetune' for v in report['variants']]
    out = []
    for metric, title in (('spearman', 'Spearman ρ, pooled'),
                          ('fisher_z', 'Spearman ρ, Fisher-z class average')):
        rows = [f'{title} (test split, last of {report["finetune_epochs"]} '
                'epochs, mean ± std over seeds)\n',
                '| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
        for fraction in report['fractions']:
            regime = report['regimes'][str(fraction)]
            counts = sorted(set(regime['labelled']))
            cells = [f'{fraction} % ({"/".join(map(str, counts))} of '
                     f'{report["num_train"]})']
            cells += [format_mean_std(regime['models'][m][metric], 4)
                      for m in models]
            rows.append('| ' + ' | '.join(cells) + ' |')
        out.append('\n'.join(rows))
    return '\n\n'.join(out) + '\n'


def main(argv: Optional[List[str]] = None) -> None:
    """Print the table of a results JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--results', default=DEFAULT_RESULTS,
                        help='results JSON written by run.py')
    args = parser.parse_args(argv)
    with open(args.results, encoding='utf-8') as f:
        print(report_table(json.load(f)), end='')


if __name__ == '__main__':
    main()
