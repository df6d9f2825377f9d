"""The one resumable launcher for training runs (seeds, folds, variants).

``launch(TrainRun(config, work_dir, seed=s))`` trains a config, tests the
selected checkpoint once, and records the result in
``<work_dir>/launch_result.json`` (written atomically). That file is the one
"done" marker: a run that has it is not trained again. A run killed part
way resumes from its newest complete checkpoint the next time it is
launched, so a study driver can be stopped and restarted at any point.

Model selection never looks at the test set:

- ``select='last'``: training runs without validation; the last epoch's
  checkpoint is tested;
- ``select='val'``: the config's validation split (which must not be the
  test split: carve one out of train) picks the best checkpoint
  (``save_best`` on ``best_metric``), which is tested once;
- ``select='last', validate=True``: validation runs (for hooks that decide
  on the validation split, e.g. PFM's safe fallback) but the last epoch's
  checkpoint is tested.

Runs go through the same mmengine Runner as ``tools/train.py`` and
``tools/test.py``, in this process, one after another.
"""
import datetime
import glob
import json
import os
import os.path as osp
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Optional

import torch
from mmengine.config import Config

from aqa_mm.datasets.wrappers import wrap_in_subset
from aqa_mm.utils.checkpoint import check_checkpoint_matches
from aqa_mm.utils.cli import UserError, load_config, merge_cfg_options
from aqa_mm.utils.io import atomic_write_text
from aqa_mm.utils.run_record import machine_info
from .runner import build_runner

RESULT_FILE = 'launch_result.json'
SELECTIONS = ('last', 'val')


@dataclass
class TrainRun:
    """One training run and its test.

    Args:
        config (str): Config file.
        work_dir (str): Folder of its logs, checkpoints and result.
        seed (int): Random seed (``randomness.seed``).
        cfg_options (dict): Config overrides, as ``--cfg-options`` takes
            them (dotted keys; a ``+`` prefix adds a new key).
        select (str): ``'last'`` or ``'val'`` (see the module docstring).
        test (bool): Test the selected checkpoint after training.
        best_metric (str): Validation metric for ``select='val'``, higher
            is better.
        deterministic (bool): ``randomness.deterministic``.
        validate (bool, optional): Run the config's validation during
            training. Defaults to ``select == 'val'``; ``select='val'``
            needs it.
        subsets (dict): Dotted dataset key -> ``SubsetDataset`` arguments
            (``label_subset_file``, ``label_subset``, ``holdout``): that
            dataset is wrapped after ``cfg_options``, which keep addressing
            it where the config declares it.
    """
    config: str
    work_dir: str
    seed: int = 0
    cfg_options: dict = field(default_factory=dict)
    select: str = 'last'
    test: bool = True
    best_metric: str = 'aqa/spearman'
    deterministic: bool = False
    validate: Optional[bool] = None
    subsets: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.select not in SELECTIONS:
            raise UserError(f'select must be one of {SELECTIONS}, got '
                            f'{self.select!r} (run {self.work_dir})')
        if self.validate is None:
            self.validate = self.select == 'val'
        if self.select == 'val' and not self.validate:
            raise UserError(f'select="val" needs validate=True (run '
                            f'{self.work_dir})')


def select_device(device: str) -> None:
    """Make the runs of this process use ``device``.

    Call it before anything uses CUDA (a driver's first step).

    Args:
        device (str): ``'auto'`` (mmengine's choice: a GPU when there is
            one), ``'cpu'`` (hides every GPU from torch) or ``'cuda'``.

    Raises:
        UserError: ``'cuda'`` without a visible CUDA device, or another
            name.
    """
    if device == 'cpu':
        os.environ['CUDA_VISIBLE_DEVICES'] = ''
    elif device == 'cuda':
        if not torch.cuda.is_available():
            raise UserError('--device cuda: torch sees no CUDA device')
    elif device != 'auto':
        raise UserError(f"--device must be 'auto', 'cpu' or 'cuda', got "
                        f'{device!r}')


def read_launch_result(work_dir: str) -> Optional[dict]:
    """The recorded result of a finished run, or None.

    Args:
        work_dir (str): The run's work_dir.

    Returns:
        dict | None: ``metrics``, ``checkpoint``, ``config``, ``seed``,
        ``select``, ``cfg_options``, ``minutes``, ``finished_at``,
        ``machine``.
    """
    path = osp.join(work_dir, RESULT_FILE)
    if not osp.isfile(path):
        return None
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except ValueError as exc:
        raise UserError(f'{path}: not a JSON file ({exc}); delete it to run '
                        'again') from exc


def _stage_config(run: TrainRun, stage: str) -> Config:
    """The config of the training or the test of ``run``."""
    cfg = load_config(run.config)
    merge_cfg_options(cfg, dict(run.cfg_options))
    for key, subset_args in run.subsets.items():
        wrap_in_subset(cfg, key, **subset_args)
    cfg.launcher = 'none'
    cfg.randomness = dict(cfg.get('randomness') or {}, seed=run.seed,
                          deterministic=run.deterministic)
    # one name per runner: mmengine keeps loggers and visualizers by name
    name = f'{osp.basename(osp.normpath(run.work_dir))}_{stage}'
    cfg.experiment_name = f'{name}_{uuid.uuid4().hex[:8]}'
    if stage == 'train':
        cfg.work_dir = run.work_dir
        cfg.resume, cfg.load_from = True, None
        if not run.validate:
            cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
        elif not cfg.get('val_dataloader'):
            raise UserError(f'{run.config}: validation needs a '
                            'val_dataloader (a split carved out of train)')
        if run.select == 'val':
            cfg.default_hooks.checkpoint.save_best = run.best_metric
            cfg.default_hooks.checkpoint.rule = 'greater'
    else:
        cfg.work_dir = osp.join(run.work_dir, 'test')
        cfg.resume = False
    return cfg


def selected_checkpoint(run: TrainRun) -> str:
    """The checkpoint to test: the last one, or the best on validation.

    Args:
        run (TrainRun): A trained run.

    Returns:
        str: Checkpoint path.
    """
    if run.select == 'val':
        best = sorted(glob.glob(osp.join(run.work_dir, 'best_*.pth')),
                      key=osp.getmtime)
        if not best:
            raise UserError(f'{run.work_dir}: no best_*.pth; was '
                            f'{run.best_metric} validated and finite?')
        return best[-1]
    marker = osp.join(run.work_dir, 'last_checkpoint')
    if not osp.isfile(marker):
        raise UserError(f'{run.work_dir}: no last_checkpoint file; did '
                        'training save a checkpoint?')
    with open(marker, encoding='utf-8') as f:
        path = f.read().strip()
    if not osp.isfile(path):
        raise UserError(f'{marker} points to a missing file: {path}')
    return path


def launch(run: TrainRun) -> dict:
    """Train (resuming), test once, record; or return the recorded result.

    Args:
        run (TrainRun): The run.

    Returns:
        dict: The test metrics (empty when ``run.test`` is False).
    """
    done = read_launch_result(run.work_dir)
    if done is not None:
        return done['metrics']
    os.makedirs(run.work_dir, exist_ok=True)
    start = time.time()
    build_runner(_stage_config(run, 'train')).train()
    checkpoint = selected_checkpoint(run)
    metrics = {}
    if run.test:
        cfg = _stage_config(run, 'test')
        cfg.load_from = checkpoint
        runner = build_runner(cfg)
        check_checkpoint_matches(runner.model, checkpoint)
        metrics = {k: float(v) for k, v in runner.test().items()}
    record = dict(asdict(run), metrics=metrics,
                  checkpoint=osp.relpath(checkpoint, run.work_dir),
                  minutes=round((time.time() - start) / 60, 2),
                  finished_at=datetime.datetime.now().isoformat(
                      timespec='seconds'),
                  machine=machine_info())
    atomic_write_text(json.dumps(record, indent=2),
                      osp.join(run.work_dir, RESULT_FILE))
    return metrics
