"""The plan of benchmarks/gpu_nw_ucla_semi.sh: its steps in priority order,
their time estimates, and the scheduler that picks a free lane's next step.

No processes and no clock here, so ``--print-plan`` and the tests can
simulate a run from the estimates alone. The step names are those of
``bench_nw_ucla_semi.py`` (its work-dir names).
"""
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

ANN = Path('data') / 'nw_ucla' / 'nw_ucla_xview.pkl'  # in the tree

#: the long GPU run of issue 16: both pretraining variants to the end of
#: their 13-epoch (65-pass) schedule, then scratch vs finetuned from both at
#: epoch 13, one labelled fraction after the other (100 % if time remains)
GPU = dict(variants=('faithful', 'view_aug_projector'),
           finetune=('faithful', 'view_aug_projector'), pretrain_epochs=13,
           fractions=(10, 5, 100), seeds=(0, 1, 2), threads=2, lanes=3,
           budget_s=540, extra_options=())
#: the CPU dry run: the same machinery on a tiny pkl, 1 pretraining epoch,
#: 1 pass per epoch, batches of 4 (~3 minutes of one thread)
DRY = dict(variants=('faithful', 'view_aug_projector'),
           finetune=('faithful', ), pretrain_epochs=1, fractions=(100, ),
           seeds=(0, ), threads=1, lanes=2, budget_s=900,
           extra_options=('train_dataloader.dataset.times=1',
                          'train_dataloader.batch_size=4'))

# Step states. A step is PENDING until a lane starts it.
PENDING, RUNNING, OK, DONE = 'pending', 'running', 'ok', 'done already'
FINISHED = (OK, DONE)


@dataclass(frozen=True)
class Step:
    """One step of the bench, run by one ``--steps NAME`` process.

    Args:
        name (str): The bench's step (and work-dir) name.
        tier (int): Priority group: 0 pretraining, then one per labelled
            fraction, in the order of ``fractions``.
        fraction (int, optional): Labelled percentage; None for
            pretraining. Defaults to None.
        needs (str, optional): The pretraining step whose last checkpoint
            it finetunes from. Defaults to None.
    """
    name: str
    tier: int
    fraction: Optional[int] = None
    needs: Optional[str] = None


def build_steps(plan: dict) -> List[Step]:
    """Steps of ``plan`` (:data:`GPU` or :data:`DRY`) in priority order:
    pretraining, then per fraction and seed the finetuned runs and scratch
    (seed by seed, so a cut-short fraction still compares like with like).
    """
    steps = [Step(f'pretrain_{v}', 0) for v in plan['variants']]
    epoch = plan['pretrain_epochs']
    for tier, fraction in enumerate(plan['fractions'], 1):
        for seed in plan['seeds']:
            steps += [Step(f'finetune_{v}_e{epoch}_p{fraction}_s{seed}', tier,
                           fraction, f'pretrain_{v}')
                      for v in plan['finetune']]
            steps.append(Step(f'scratch_p{fraction}_s{seed}', tier, fraction))
    return steps


class Estimates:
    """Seconds a step is expected to take, for the launch decisions.

    Pretraining: ``pretrain_s``. A classification run on ``p`` % of the
    labels: ``overhead_s + per_pct_s * p`` (start-up and validation, plus
    iterations in proportion to the labelled samples); ``per_pct_s`` becomes
    the mean of the finished classification runs' measurements.

    Args:
        pretrain_s (float): One pretraining run.
        overhead_s (float): Fixed part of a classification run.
        per_pct_s (float): Its prior part per labelled percent.
    """

    def __init__(self, pretrain_s: float, overhead_s: float,
                 per_pct_s: float) -> None:
        self.pretrain_s, self.overhead_s = pretrain_s, overhead_s
        self.per_pct_s = per_pct_s
        self._rates: List[float] = []

    def __call__(self, step: Step) -> float:
        if step.fraction is None:
            return self.pretrain_s
        return self.overhead_s + self.per_pct_s * step.fraction

    def observe(self, step: Step, seconds: float) -> None:
        """Take a finished step's duration into the estimates."""
        if step.fraction is None:
            self.pretrain_s = seconds
            return
        self._rates.append(max(seconds - self.overhead_s, 0.) / step.fraction)
        self.per_pct_s = sum(self._rates) / len(self._rates)


#: priors, estimates and not measurements (DEVELOPERS.md): on the H200,
#: pretraining = 2,067 iterations of 2 x 32 clips at ~40 ms + 13
#: representation evaluations of ~4 s + start-up, with a margin; a 10 % run
#: = 416 iterations of 16 clips at ~25 ms + 3 validations + start-up. On the
#: CPU, the dry run's tiny data (measured there: 30-40 s and 70-80 s)
PRIORS = dict(gpu=dict(pretrain_s=200., overhead_s=15., per_pct_s=1.2),
              dry=dict(pretrain_s=60., overhead_s=60., per_pct_s=0.))


def drop_orphans(steps: Sequence[Step], status: Dict[str, str]) -> List[str]:
    """Mark 'skipped' the pending steps whose pretraining ended without
    finishing; returns their names."""
    dropped = []
    for step in steps:
        dep = status.get(step.needs) if step.needs else None
        if status[step.name] == PENDING and dep is not None and \
                dep not in FINISHED + (PENDING, RUNNING):
            status[step.name] = 'skipped'
            dropped.append(step.name)
    return dropped


def next_step(steps: Sequence[Step], status: Dict[str, str],
              started: Dict[str, float], now: float, stop_at: float,
              estimate: Callable[[Step], float],
              short_s: float = 60.) -> Optional[Step]:
    """The step a free lane starts now, or None.

    The first pending step in priority order that is ready and fits before
    ``stop_at``; a pretraining need not fit (it keeps its epochs, and its
    last encoder comes back). A step waiting for its pretraining does not
    block the lane, but the lane then takes only steps that end before that
    pretraining is expected to (or shorter than ``short_s``), so a long
    low-priority run never holds a lane the finetuning runs need
    (backfilling).
    """
    by_name = {s.name: s for s in steps}
    window = math.inf  # until the first blocked step is expected to be ready
    for step in steps:
        if status[step.name] != PENDING:
            continue
        if step.needs and status[step.needs] not in FINISHED:
            dep = by_name[step.needs]
            ready_at = (started[dep.name] + estimate(dep)
                        if status[dep.name] == RUNNING else now)
            window = min(window, ready_at - now)
            continue
        seconds = estimate(step)
        fits = now + seconds <= stop_at or (step.fraction is None
                                            and now + short_s <= stop_at)
        if fits and seconds <= max(window, short_s):
            return step
    return None


def simulate(steps: Sequence[Step], lanes: int, start: float,
             stop_at: float, estimate: Callable[[Step], float]
             ) -> Tuple[List[dict], List[str]]:
    """The run the estimates predict: ``(timeline, not_started)``, the
    timeline one ``dict(name, start, end, status)`` per step, in order of
    ending."""
    status = {s.name: PENDING for s in steps}
    by_name = {s.name: s for s in steps}
    started: Dict[str, float] = {}
    ends: Dict[str, float] = {}
    timeline, now = [], start
    while True:
        while len(ends) < lanes:
            step = next_step(steps, status, started, now, stop_at, estimate)
            if step is None:
                break
            status[step.name], started[step.name] = RUNNING, now
            ends[step.name] = min(now + estimate(step), stop_at)
        if not ends:
            break
        name = min(ends, key=ends.get)
        now = ends.pop(name)
        stopped = now < started[name] + estimate(by_name[name])
        status[name] = 'stopped at the budget' if stopped else OK
        drop_orphans(steps, status)
        timeline.append(dict(name=name, start=round(started[name]),
                             end=round(now), status=status[name]))
    return timeline, [n for n, s in status.items() if s == PENDING]


def bench_argv(plan: dict, tree: Path, work: Path, threads: int
               ) -> List[str]:
    """The bench's command line up to what differs between its calls."""
    epoch = plan['pretrain_epochs']
    return [sys.executable, str(tree / 'benchmarks' / 'bench_nw_ucla_semi.py'),
            '--ann-file', str(tree / ANN), '--work-dir', str(work),
            '--variants', *plan['variants'], '--pretrain-epochs', str(epoch),
            '--finetune-from', *[f'{v}:{epoch}' for v in plan['finetune']],
            '--fractions', *map(str, plan['fractions']),
            '--seeds', *map(str, plan['seeds']), '--threads', str(threads)]


def step_argv(plan: dict, tree: Path, work: Path, threads: int,
              step: Step) -> List[str]:
    """One step, trained only (the reports run apart)."""
    extra = list(plan['extra_options'])
    return bench_argv(plan, tree, work, threads) + [
        '--lanes', '1', '--steps', step.name, '--no-report'] + (
        ['--cfg-options', *extra] if extra else [])


def report_argv(plan: dict, tree: Path, work: Path, threads: int,
                out_dir: Path) -> List[str]:
    """The report of whatever has finished in ``work``, into ``out_dir``."""
    return bench_argv(plan, tree, work, threads) + [
        '--report-only', '--out', str(out_dir / 'nw_ucla_semi.json'),
        '--plot', str(out_dir / 'nw_ucla_semi_curve.png')]
