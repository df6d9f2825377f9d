"""Fis-V TES / PCS Spearman on GDLT's released Video-Swin clip features.

From the repository root, after ``tools/import_feature_sequences.py`` has
written ``data/fisv`` (``fisv_tes.pkl``, ``fisv_pcs.pkl``, ``features/``)::

    python -m projects.fisv.run --data-root data/fisv --seeds 0 1 2

Trains every head x score x seed through ``aqa_mm.engine.launcher.launch``:

* ``gdlt``: ``GDLTHead``, ``configs/fisv/gdlt_swin-feat_1xb32-*``
  (GDLT's Fis-V recipe: 320 epochs for TES, 400 for PCS);
* ``meanfc``: 2M-AF's RGB-stream head (clip mean -> FC),
  ``configs/fisv/meanfc_swin-feat_1xb16-100e_*``.

``--gdlt-epochs N`` shortens GDLT's schedule (the cosine decay then spans N
epochs); the epoch count is part of every result's key, so runs of
different schedules never mix.

Selection: none. Each run is tested once after its last epoch (the
result). ``EpochTestCurveHook`` also logs the test ρ after every epoch, so
the best epoch on the test set (the selection GDLT's code makes) is known
beside it, labelled as such; it picks nothing.

Resumable: a finished run is skipped, a killed run resumes from its last
checkpoint; a run recorded in ``--out`` is not run again. Results go to
``--out`` after every run (merged with what the file holds, so two
processes on disjoint ``--heads`` / ``--scores`` / ``--seeds`` can share
it) and the table is printed; ``report.py`` prints it again and draws the
per-epoch curves.

CPU budget (one thread per run, 2 cores): GDLT about 11 s per epoch alone
(0.85 s per batch of 32 x 124 clips), so GDLT's own schedule takes about
70-80 min per TES run and 85-95 min per PCS run; mean -> FC takes 4-8 min
per run; the default plan (2 heads x 2 scores x 3 seeds) about 9 hours of
one-thread compute.
"""
import argparse
import json
import os
import os.path as osp
import platform
import sys
from typing import List, Optional

import torch

from aqa_mm.engine.launcher import launch, select_device
from aqa_mm.evaluation.results import run_minutes, scalar_curve
from aqa_mm.utils.io import atomic_write_text
from . import epoch_test_curve_hook  # noqa: F401 (registers the hook)
from .plan import CURVE_KEY, plan_runs, rel
from .report import DEFAULT_RESULTS, summarize, table


def run_one(item: dict) -> dict:
    """Train one run (resuming) and read its result.

    Args:
        item (dict): From :func:`plan_runs`.

    Returns:
        dict: ``last`` (test ρ after the last epoch), ``best_on_test`` and
        ``best_epoch`` (from the per-epoch curve), ``curve``, ``epochs``,
        ``minutes`` (from the logs, resumed starts summed), ``config`` and
        ``cfg_options`` (paths relative to the repository root).
    """
    run = item['run']
    metrics = launch(run)
    curve = scalar_curve(run.work_dir, CURVE_KEY)
    best_epoch = max(curve, key=curve.get) if curve else None
    options = {k: rel(v) if isinstance(v, str) else v
               for k, v in run.cfg_options.items() if k != 'custom_hooks'}
    return dict(head=item['head'], score=item['score'], seed=item['seed'],
                epochs=item['epochs'], last=metrics['aqa/spearman'],
                best_on_test=curve.get(best_epoch), best_epoch=best_epoch,
                minutes=round(run_minutes(run.work_dir), 2), curve=curve,
                config=rel(run.config), cfg_options=options)


def save(out: str, new: dict, meta: dict) -> dict:
    """Merge ``new`` results into ``out`` and rewrite it atomically.

    Args:
        out (str): The results JSON (read again first, so that another
            process's results are kept).
        new (dict): Run key -> result.
        meta (dict): Run metadata (machine, threads, command).

    Returns:
        dict: The report written.
    """
    report = dict(results={})
    if osp.exists(out):
        with open(out, encoding='utf-8') as f:
            report = json.load(f)
    report['results'].update(new)
    report.update(meta, summary=summarize(report['results']))
    atomic_write_text(json.dumps(report, indent=1) + '\n', out)
    return report


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--data-root', default='data/fisv',
                        help='output of tools/import_feature_sequences.py: '
                        'fisv_tes.pkl, fisv_pcs.pkl, features/')
    parser.add_argument('--heads', nargs='+', choices=('meanfc', 'gdlt'),
                        default=['meanfc', 'gdlt'])
    parser.add_argument('--scores', nargs='+', choices=('tes', 'pcs'),
                        default=['tes', 'pcs'])
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--gdlt-epochs', type=int, default=None,
                        help="shorten GDLT's schedule (default: the "
                        "configs', 320 TES / 400 PCS)")
    parser.add_argument('--threads', type=int, default=1,
                        help='torch threads of this process')
    parser.add_argument('--device', choices=('auto', 'cpu', 'cuda'),
                        default='auto',
                        help='auto: a GPU when there is one')
    parser.add_argument('--work-dir', default='work_dirs/fisv')
    parser.add_argument('--out', default=DEFAULT_RESULTS)
    args = parser.parse_args(argv)
    args.data_root = osp.abspath(args.data_root)
    args.work_dir = osp.abspath(args.work_dir)
    for score in args.scores:
        ann = osp.join(args.data_root, f'fisv_{score}.pkl')
        if not osp.exists(ann):
            parser.error(f'{ann} does not exist; make it with python '
                         'tools/import_feature_sequences.py FEATURE_DIR '
                         '--labels train=... --labels test=... --score '
                         f'{score.upper()} --out-dir {args.data_root}')
    return args


def main(argv: Optional[List[str]] = None) -> None:
    """Run (or resume) the runs, write the results and print the table."""
    args = parse_args(argv)
    select_device(args.device)
    torch.set_num_threads(args.threads)
    done = {}
    if osp.exists(args.out):
        with open(args.out, encoding='utf-8') as f:
            done = json.load(f)['results']
    words = sys.argv[1:] if argv is None else list(argv)
    meta = dict(machine=platform.machine(), cpus=os.cpu_count(),
                threads=args.threads, device=args.device,
                command=' '.join(['python -m projects.fisv.run'] + [
                    rel(w) if osp.isabs(w) else w for w in words]))
    for item in plan_runs(args):
        if item['key'] in done:
            continue
        print(f"[{item['key']}] -> {item['run'].work_dir}", flush=True)
        res = run_one(item)
        done = save(args.out, {item['key']: res}, meta)['results']
        print(f"[{item['key']}] last {res['last']:.3f}, best on test "
              f"{res['best_on_test'] or float('nan'):.3f} (epoch "
              f"{res['best_epoch']}), {res['minutes']:.1f} min", flush=True)
    print(table(summarize(done)))
    print(f'results: {rel(args.out)}; the curves: python -m '
          'projects.fisv.report --plot PNG')


if __name__ == '__main__':
    main()
