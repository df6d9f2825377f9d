"""Fis-V TES / PCS Spearman on GDLT's real Video-Swin features, on CPU.

    python tools/import_feature_sequences.py FIS_V/swintx_avg_fps25_clip32 \
        --labels train=FIS_V/train.txt --labels test=FIS_V/test.txt \
        --score TES --out-dir data/fisv            # and --score PCS
    python benchmarks/bench_fisv.py --data-root data/fisv --seeds 0 1 2

Trains, with ``tools/train.py``, every head × score × seed:

* ``gdlt``: :class:`GDLTHead`, ``configs/fisv/gdlt_swin-feat_1xb32-*``
  (GDLT's Fis-V recipe: 320 epochs for TES, 400 for PCS);
* ``meanfc``: 2M-AF's RGB-stream head (clip mean → FC),
  ``configs/fisv/meanfc_swin-feat_1xb16-100e_*``.

``--gdlt-epochs N`` shortens GDLT's schedule (the cosine decay then spans N
epochs) when the CPU budget does not allow GDLT's; the epoch count is part
of every result's key, so runs of different schedules never mix.

The test split is evaluated after every epoch (``val_interval=1``) so that
both numbers are known: **last epoch** (the result: no selection) and,
labelled, **best epoch on the test set** (the selection GDLT's code makes:
it keeps the checkpoint with the highest test Spearman). Per-epoch values
are read from each run's ``vis_data/scalars.json``.

Resumable: a run whose key is in ``--out`` is skipped; an interrupted run
resumes from its last checkpoint. Results go to
``benchmarks/results/fisv.json`` (written after every run) and a table of
mean ± std over seeds is printed.
"""
import argparse
import datetime
import glob
import json
import os
import os.path as osp
import platform
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.dirname(HERE)
for path in (ROOT, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)

from fisv_report import (plot_curves, read_event_scalar,  # noqa: E402
                         summarize, table)

from aqa_mm.utils.io import atomic_write_text  # noqa: E402

CONFIGS = {
    ('gdlt', 'tes'): 'configs/fisv/gdlt_swin-feat_1xb32-320e_fisv-tes.py',
    ('gdlt', 'pcs'): 'configs/fisv/gdlt_swin-feat_1xb32-400e_fisv-pcs.py',
    ('meanfc', 'tes'): 'configs/fisv/meanfc_swin-feat_1xb16-100e_fisv-tes.py',
    ('meanfc', 'pcs'): 'configs/fisv/meanfc_swin-feat_1xb16-100e_fisv-pcs.py',
}
DEFAULT_EPOCHS = {('gdlt', 'tes'): 320, ('gdlt', 'pcs'): 400,
                  ('meanfc', 'tes'): 100, ('meanfc', 'pcs'): 100}


def plan_runs(args: argparse.Namespace) -> List[dict]:
    """Every run to do, seeds interleaved so partial results stay balanced.

    Args:
        args (argparse.Namespace): Parsed command line.

    Returns:
        list[dict]: ``key``, ``head``, ``score``, ``seed``, ``epochs``,
        ``config``, ``options`` per run.
    """
    runs = []
    for head in args.heads:
        for seed in args.seeds:
            for score in args.scores:
                epochs = DEFAULT_EPOCHS[(head, score)]
                if head == 'gdlt' and args.gdlt_epochs:
                    epochs = args.gdlt_epochs
                ann = osp.join(args.data_root, f'fisv_{score}.pkl')
                feats = osp.join(args.data_root, 'features')
                options = [
                    f'train_dataloader.dataset.ann_file={ann}',
                    f'val_dataloader.dataset.ann_file={ann}',
                    f'test_dataloader.dataset.ann_file={ann}',
                    f'train_dataloader.dataset.data_prefix.feature={feats}',
                    f'val_dataloader.dataset.data_prefix.feature={feats}',
                    f'test_dataloader.dataset.data_prefix.feature={feats}',
                    f'train_cfg.max_epochs={epochs}', 'train_cfg.val_interval=1',
                    'default_hooks.checkpoint.interval=10',
                    'default_hooks.logger.interval=50']
                if head == 'gdlt':
                    options += [f'param_scheduler.0.T_max={epochs}',
                                f'param_scheduler.0.end={epochs}']
                runs.append(dict(key=f'{head}/{score}/e{epochs}/seed{seed}',
                                 head=head, score=score, seed=seed,
                                 epochs=epochs, config=CONFIGS[(head, score)],
                                 options=options))
    return runs


def read_curve(work_dir: str) -> Dict[int, float]:
    """Test Spearman per epoch of a work dir (resumed runs included).

    Args:
        work_dir (str): A ``tools/train.py`` work dir.

    Returns:
        dict[int, float]: epoch → ``aqa/spearman`` (the latest value for an
        epoch run twice).
    """
    curve = {}
    for path in sorted(glob.glob(osp.join(work_dir, '2*', 'vis_data',
                                          'scalars.json'))):
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                if 'aqa/spearman' in rec:
                    curve[int(rec['step'])] = float(rec['aqa/spearman'])
    return dict(sorted(curve.items()))


def read_minutes(work_dir: str) -> float:
    """Training wall time of a work dir: per run (timestamped folder), its
    log's last minus first timestamp, summed (resumed runs included).

    Args:
        work_dir (str): A ``tools/train.py`` work dir.

    Returns:
        float: Minutes.
    """
    total = 0.0
    for log in glob.glob(osp.join(work_dir, '2*', '2*.log')):
        stamps = []
        with open(log) as f:
            for line in f:
                try:
                    stamps.append(datetime.datetime.strptime(
                        line[:19], '%Y/%m/%d %H:%M:%S'))
                except ValueError:
                    continue
        if len(stamps) > 1:
            total += (stamps[-1] - stamps[0]).total_seconds() / 60
    return total


def run_one(run: dict, args: argparse.Namespace) -> dict:
    """Train one run (resuming) and read its result.

    Args:
        run (dict): From :func:`plan_runs`.
        args (argparse.Namespace): Parsed command line.

    Returns:
        dict: ``last`` / ``best_on_test`` Spearman, ``best_epoch``,
        ``epochs``, ``minutes`` (from the logs, see :func:`read_minutes`),
        ``curve``, ``command``.

    Raises:
        RuntimeError: ``tools/train.py`` failed or did not reach the last
            epoch (its output file is named).
    """
    work_dir = osp.join(args.work_dir, run['key'].replace('/', '_'))
    cmd = [sys.executable, osp.join(ROOT, 'tools', 'train.py'),
           osp.join(ROOT, run['config']), '--work-dir', work_dir,
           '--seed', str(run['seed'])]
    if glob.glob(osp.join(work_dir, 'epoch_*.pth')):
        cmd.append('--resume')
    cmd += ['--cfg-options', *run['options']]
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads),
               MKL_NUM_THREADS=str(args.threads))
    os.makedirs(work_dir, exist_ok=True)
    out = work_dir + '.out'
    print(f"[{run['key']}] training, output: {out}", flush=True)
    with open(out, 'a') as f:
        code = subprocess.call(cmd, stdout=f, stderr=subprocess.STDOUT,
                               env=env, cwd=ROOT)
    minutes = read_minutes(work_dir)
    curve = read_curve(work_dir)
    if code != 0 or run['epochs'] not in curve:
        raise RuntimeError(f"{run['key']}: tools/train.py exited with {code}"
                           f" after epoch {max(curve, default=0)}; see {out}")
    best_epoch = max(curve, key=curve.get)
    return dict(head=run['head'], score=run['score'], seed=run['seed'],
                epochs=run['epochs'], last=curve[run['epochs']],
                best_on_test=curve[best_epoch], best_epoch=best_epoch,
                minutes=round(minutes, 2), curve=curve,
                command=' '.join(cmd[1:]))


def main(argv: Optional[List[str]] = None) -> None:
    """Run (or resume) the runs and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
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
                        help='torch threads per training process')
    parser.add_argument('--lanes', type=int, default=1,
                        help='training processes at a time')
    parser.add_argument('--work-dir', default='work_dirs/bench_fisv')
    parser.add_argument('--report-only', action='store_true',
                        help='print the table of --out, train nothing')
    parser.add_argument('--out', default=osp.join(ROOT, 'benchmarks',
                                                  'results', 'fisv.json'))
    parser.add_argument('--plot', default=osp.join(ROOT, 'docs', 'images',
                                                   'fisv_curves.png'),
                        help="per-epoch test Spearman plot ('' for none)")
    parser.add_argument('--reference-log', default=None,
                        help='TensorBoard event file of a third-party run '
                        'to draw beside ours, e.g. the GDLT fork\'s '
                        'logs/fisv_tes_paper/events.out.tfevents.*')
    parser.add_argument('--reference-score', choices=('tes', 'pcs'),
                        default='tes')
    parser.add_argument('--reference-tag', default='Test_coef')
    parser.add_argument('--reference-label',
                        default="GDLT's official code, full schedule "
                        "(fork's log, 1 run)")
    args = parser.parse_args(argv)
    args.data_root = osp.abspath(args.data_root)
    args.work_dir = osp.abspath(args.work_dir)
    report = dict(results={})
    if osp.exists(args.out):
        with open(args.out) as f:
            report = json.load(f)
    results = report['results']
    for key, res in results.items():    # wall times from the logs
        work_dir = osp.join(args.work_dir, key.replace('/', '_'))
        if osp.isdir(work_dir):
            res['minutes'] = round(read_minutes(work_dir), 2)
    if not args.report_only:
        for score in args.scores:
            ann = osp.join(args.data_root, f'fisv_{score}.pkl')
            if not osp.exists(ann):
                parser.error(f'{ann} does not exist; make it with python '
                             'tools/import_feature_sequences.py FEATURE_DIR '
                             '--labels train=... --labels test=... --score '
                             f'{score.upper()} --out-dir {args.data_root}')
        todo = [r for r in plan_runs(args) if r['key'] not in results]

        lock = threading.Lock()

        def save() -> None:
            report.update(machine=platform.machine(), cpus=os.cpu_count(),
                          threads=args.threads, lanes=args.lanes,
                          summary=summarize(results))
            atomic_write_text(json.dumps(report, indent=1) + '\n', args.out)

        def work(run: dict) -> None:
            res = run_one(run, args)
            with lock:
                results[run['key']] = res
                save()
            print(f"[{run['key']}] last {res['last']:.3f}, best on test "
                  f"{res['best_on_test']:.3f} (epoch {res['best_epoch']}), "
                  f"{res['minutes']:.1f} min", flush=True)
        with ThreadPoolExecutor(args.lanes) as pool:
            for future in [pool.submit(work, r) for r in todo]:
                future.result()
    print(table(summarize(results)))
    print(f'results: {args.out}')
    if args.plot:
        reference = None
        if args.reference_log:
            reference = {args.reference_score: (
                args.reference_label,
                read_event_scalar(args.reference_log, args.reference_tag))}
        if plot_curves(results, args.plot, reference):
            print(f'plot: {args.plot}')


if __name__ == '__main__':
    main()
