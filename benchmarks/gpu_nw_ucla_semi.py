"""Run the long NW-UCLA pretraining (issue 16) on the lent GPU, in one call.

Called by benchmarks/gpu_nw_ucla_semi.sh (which installs the wheels first)::

    python benchmarks/gpu_nw_ucla_semi.py OUT_DIR [--dry-run] [--print-plan]
        [--budget-s 540] [--lanes 3] [--threads 2] [--work DIR]

Runs ``bench_nw_ucla_semi.py`` one step per process (``--steps NAME
--no-report``), ``--lanes`` at a time, in the priority order of
``gpu_nw_ucla_semi_plan.py``. No step starts that is not expected to end
``--reserve-s`` before the budget; then running steps are stopped (each
resumes from its last epoch if the command is run again on the still warm
machine). Once the pretrainings have ended, a ``--report-only`` run caches
the frozen features beside the training; the last report runs at the end.

The work dir stays outside OUT_DIR (the device tool brings back 8 files, 2
folders down). After every step OUT_DIR gets ``gpu_nw_ucla_semi.json``
(environment, plan, each step's status and times), ``.log``,
``work.tar.gz`` and ``encoder_<variant>_e<N>.pth``
(``gpu_nw_ucla_semi_files.py``); the reports write ``nw_ucla_semi.json``
and ``nw_ucla_semi_curve.png``.

``--dry-run`` (CPU): the same in a copy of the tree, as a device call sends
it, with a tiny NW-UCLA pkl and the plan ``DRY``. ``--print-plan``: the
steps, their commands and the timeline the estimates predict, as JSON.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

import gpu_nw_ucla_semi_plan as plan_lib
from bench_nw_ucla_semi import FINETUNE_EPOCHS
from gpu_nw_ucla_semi_files import dry_tree, export_encoder, pack, travel

ROOT = Path(__file__).resolve().parents[1]
WORK = Path('/tmp/aqa_nw_ucla_semi')  # a rerun on a warm machine resumes
POLL_S = 2.
INSTALL_S = 15.  # expected wheel install, for --print-plan's timeline


class Run:
    """The processes, the record and the log of one call."""

    def __init__(self, args: argparse.Namespace, tree: Path) -> None:
        self.args, self.tree = args, tree
        self.steps = plan_lib.build_steps(args.plan)
        self.status = {s.name: plan_lib.PENDING for s in self.steps}
        self.started: Dict[str, float] = {}
        self.procs: Dict[str, subprocess.Popen] = {}
        self.estimate = plan_lib.Estimates(**plan_lib.PRIORS[args.mode])
        self.stop_at = args.budget_s - args.reserve_s
        self.record = dict(mode=args.mode, budget_s=args.budget_s,
                           stop_at_s=self.stop_at, lanes=args.lanes,
                           threads=args.threads, work=str(args.work),
                           plan={k: list(v) if isinstance(v, tuple) else v
                                 for k, v in args.plan.items()},
                           bench_argv=plan_lib.bench_argv(
                               args.plan, tree, args.work, args.threads),
                           steps={}, reports=[], encoders={})
        self.log_file = open(args.out_dir / 'gpu_nw_ucla_semi.log', 'a')

    def elapsed(self) -> float:
        return time.time() - self.args.t0

    def log(self, msg: str) -> None:
        line = f'[{self.elapsed():6.1f} s] {msg}'
        print(line, flush=True)
        self.log_file.write(line + '\n')
        self.log_file.flush()

    def save(self) -> None:
        path = self.args.out_dir / 'gpu_nw_ucla_semi.json'
        path.with_suffix('.tmp').write_text(json.dumps(self.record, indent=1))
        os.replace(path.with_suffix('.tmp'), path)

    def spawn(self, name: str, argv: List[str]) -> subprocess.Popen:
        env = dict(os.environ, PYTHONUNBUFFERED='1')
        if self.args.dry_run:   # as gpu_env.sh does on the GPU machine
            env['PYTHONPATH'] = os.pathsep.join(
                filter(None, [str(self.tree), env.get('PYTHONPATH')]))
        self.args.work.mkdir(parents=True, exist_ok=True)
        out = open(self.args.work / f'{name}.bench.log', 'a')
        return subprocess.Popen(argv, cwd=self.tree, env=env, stdout=out,
                                stderr=subprocess.STDOUT,
                                start_new_session=True)

    def launch(self, step: plan_lib.Step) -> None:
        epochs = (self.args.plan['pretrain_epochs'] if step.fraction is None
                  else FINETUNE_EPOCHS)
        rec = self.record['steps'][step.name] = dict(
            tier=step.tier, estimate_s=round(self.estimate(step)))
        if (self.args.work / step.name / f'epoch_{epochs}.pth').exists():
            self.status[step.name] = rec['status'] = plan_lib.DONE
            self.log(f'{step.name}: done already')
            self.bring_back(step)
            return
        self.status[step.name], self.started[step.name] = (
            plan_lib.RUNNING, self.elapsed())
        rec.update(status=plan_lib.RUNNING, start_s=round(self.elapsed(), 1))
        self.procs[step.name] = self.spawn(step.name, plan_lib.step_argv(
            self.args.plan, self.tree, self.args.work, self.args.threads,
            step))
        self.log(f'{step.name}: started (expected {rec["estimate_s"]} s)')

    def ended(self, step: plan_lib.Step, state: str) -> None:
        seconds = self.elapsed() - self.started[step.name]
        rec = self.record['steps'][step.name]
        rec.update(status=state, end_s=round(self.elapsed(), 1),
                   seconds=round(seconds, 1))
        self.status[step.name] = state
        if state == plan_lib.OK:
            self.estimate.observe(step, seconds)
        else:   # train.py's output, or the bench's when it has none
            out = self.args.work / f'{step.name}.out'
            out = out if out.exists() else out.with_suffix('.bench.log')
            rec['error'] = out.read_text(
                errors='replace').strip().splitlines()[-15:]
        self.log(f'{step.name}: {state} after {seconds:.0f} s')
        self.bring_back(step)

    def bring_back(self, step: plan_lib.Step) -> None:
        """Bring OUT_DIR up to date after ``step`` ended."""
        if step.fraction is None:
            variant = step.name[len('pretrain_'):]
            self.record['encoders'][variant] = export_encoder(
                self.args.work, variant, self.args.out_dir)
        pack(self.args.work, self.args.out_dir)
        self.save()

    def stop(self, proc: subprocess.Popen) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=10)
                return
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue

    def train(self) -> None:
        """Run the steps until none is left that fits, or the stop time."""
        by_name = {s.name: s for s in self.steps}
        report = None
        while True:
            for name, proc in list(self.procs.items()):
                if proc.poll() is not None:
                    del self.procs[name]
                    self.ended(by_name[name], plan_lib.OK if proc.returncode
                               == 0 else 'failed')
            if self.elapsed() >= self.stop_at:
                for name, proc in list(self.procs.items()):
                    self.stop(proc)
                    del self.procs[name]
                    self.ended(by_name[name], 'stopped at the budget')
                break
            for name in plan_lib.drop_orphans(self.steps, self.status):
                self.record['steps'][name] = dict(status='skipped')
                self.log(f'{name}: skipped (its pretraining did not finish)')
            if report is None and all(self.status[s.name] not in (
                    plan_lib.PENDING, plan_lib.RUNNING)
                    for s in self.steps if s.tier == 0):
                report = self.report('features')
            while len(self.procs) < self.args.lanes:
                step = plan_lib.next_step(self.steps, self.status,
                                          self.started, self.elapsed(),
                                          self.stop_at, self.estimate)
                if step is None:
                    break
                self.launch(step)
            if not self.procs:
                break
            time.sleep(POLL_S)
        for name, state in self.status.items():
            if state == plan_lib.PENDING:
                self.record['steps'][name] = dict(status='not started')
        self.final_report(report)

    def report(self, kind: str) -> subprocess.Popen:
        """Start a ``--report-only`` run of the bench."""
        self.record['reports'].append(dict(kind=kind,
                                           start_s=round(self.elapsed(), 1)))
        self.log(f'report ({kind}): started')
        return self.spawn(f'report_{kind}', plan_lib.report_argv(
            self.args.plan, self.tree, self.args.work, self.args.threads,
            self.args.out_dir))

    def final_report(self, features: Optional[subprocess.Popen]) -> None:
        """After the ``features`` report (if started), the last one; each is
        stopped at the budget."""
        if features is not None:
            self._wait(features, self.record['reports'][0])
        if self.elapsed() < self.args.budget_s - 5:
            self._wait(self.report('final'), self.record['reports'][-1])
        else:
            self.record['reports'].append(dict(kind='final',
                                               status='no time left'))
        for path in self.args.out_dir.glob('*.tmp*'):  # of a stopped writer
            path.unlink()
        pack(self.args.work, self.args.out_dir)
        self.save()

    def _wait(self, proc: subprocess.Popen, rec: dict) -> None:
        try:
            proc.wait(timeout=max(self.args.budget_s - self.elapsed(), 1))
            rec['status'] = 'ok' if proc.returncode == 0 else 'failed'
        except subprocess.TimeoutExpired:
            self.stop(proc)
            rec['status'] = 'stopped at the budget'
        rec['end_s'] = round(self.elapsed(), 1)
        self.log(f'report ({rec["kind"]}): {rec["status"]}')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out_dir', type=Path)
    parser.add_argument('--dry-run', action='store_true',
                        help='CPU: the DRY plan on a tiny pkl, in a copy of '
                        'the tree')
    parser.add_argument('--print-plan', action='store_true',
                        help='print steps, commands and the expected '
                        'timeline as JSON; run nothing')
    parser.add_argument('--budget-s', type=float,
                        help='everything ends within this many seconds of '
                        '--t0 (default: 540 on the GPU, 900 dry)')
    parser.add_argument('--reserve-s', type=float, default=90,
                        help='no training after budget - this (the report)')
    parser.add_argument('--lanes', type=int, help='steps at a time')
    parser.add_argument('--threads', type=int, help='torch threads per step')
    parser.add_argument('--work', type=Path, help='work dir (default '
                        f'{WORK}/work on the GPU, a temporary one dry)')
    parser.add_argument('--t0', type=float, default=time.time(),
                        help='start of the call (seconds since the epoch)')
    parser.add_argument('--install-log', type=Path)
    args = parser.parse_args(argv)
    args.mode = 'dry' if args.dry_run else 'gpu'
    args.plan = plan_lib.DRY if args.dry_run else plan_lib.GPU
    for key in ('budget_s', 'lanes', 'threads'):
        if getattr(args, key) is None:
            setattr(args, key, args.plan[key])
    return args


def print_plan(args: argparse.Namespace) -> None:
    """The plan as JSON on stdout, with the timeline the estimates give."""
    steps = plan_lib.build_steps(args.plan)
    estimate = plan_lib.Estimates(**plan_lib.PRIORS[args.mode])
    stop_at = args.budget_s - args.reserve_s
    timeline, left = plan_lib.simulate(steps, args.lanes, 0. if args.dry_run
                                       else INSTALL_S, stop_at, estimate)
    print(json.dumps(dict(
        mode=args.mode, budget_s=args.budget_s, stop_at_s=stop_at,
        lanes=args.lanes, threads=args.threads, steps=[dict(
            name=s.name, tier=s.tier, needs=s.needs,
            estimate_s=round(estimate(s)), argv=plan_lib.step_argv(
                args.plan, ROOT, args.work, args.threads, s))
            for s in steps], report_argv=plan_lib.report_argv(
                args.plan, ROOT, args.work, args.threads, args.out_dir),
        timeline=timeline, not_started=left), indent=1))


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    args.out_dir = args.out_dir.resolve()
    if args.print_plan:
        args.work = args.work or WORK / 'work'
        print_plan(args)
        return 0
    args.out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix='aqa_nw_ucla_semi_')) \
        if args.dry_run else WORK
    args.work = (args.work or tmp / 'work').resolve()
    if not (ROOT / plan_lib.ANN).is_file():
        sys.exit(f'gpu_nw_ucla_semi.py: error: {plan_lib.ANN} is missing (on '
                 f'the GPU machine: carry {plan_lib.ANN.parent}); make it '
                 'with tools/data/nw_ucla/convert_nw_ucla.py')
    tree = dry_tree(tmp) if args.dry_run else ROOT
    run = Run(args, tree)
    if args.install_log and args.install_log.is_file():
        run.log_file.write(f'===== wheel install\n'
                           f'{args.install_log.read_text()}\n')
    from gpu_check import environment
    run.record['environment'] = environment()
    if args.dry_run:
        run.record['travel'] = travel()
    run.save()
    run.log(f'{args.mode}: {len(run.steps)} steps, {args.lanes} lanes, '
            f'training stops at {run.stop_at:.0f} s; work {args.work}')
    run.train()
    states = [r.get('status') for r in run.record['steps'].values()]
    run.log('steps: ' + ', '.join(f'{states.count(s)} {s}'
                                    for s in sorted(set(states))))
    run.log(f'out: {sorted(p.name for p in args.out_dir.iterdir())}')
    run.save()
    if args.dry_run:    # the tree copy and ~0.4 GB of checkpoints
        shutil.rmtree(tmp)
    ok = 'failed' not in states and run.record['reports'][-1].get(
        'status') == 'ok'
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
