"""Helpers for the reliability tests: a tiny ST-GCN config (8 channels,
2 stages, 8-frame clips) written next to the test, and subprocess runners
for tools/train.py, tools/test.py and tools/dist_train.sh."""
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import pytest

from tests.conftest import make_annotations

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / 'configs' / 'stgcn' / 'stgcn_regressor_1xb16-30e_synthetic.py'

_TINY = '''\
_base_ = [{base!r}]
ann = {ann!r}
clip_len = 8
model = dict(
    backbone=dict(base_channels=8, num_stages=2, inflate_stages=(),
                  down_stages=(){backbone_extra}),
    head=dict(in_channels=8, dropout={dropout}))
train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len,
         test_mode={train_test_mode}),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackAQAInputs')]
test_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackAQAInputs')]
train_dataloader = dict(
    batch_size={batch_size}, num_workers=0, persistent_workers=False,
    dataset=dict(ann_file=ann, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=6, num_workers=0, persistent_workers=False,
    dataset=dict(ann_file=ann, pipeline=test_pipeline))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs={epochs}, val_interval={epochs})
param_scheduler = [dict(type='CosineAnnealingLR', T_max={epochs},
                        eta_min=1e-5, by_epoch=True, begin=0, end={epochs})]
optim_wrapper = dict(optimizer=dict(lr={lr}))
default_hooks = dict(logger=dict(interval=1))
randomness = dict(seed=0, deterministic=True)
'''


def write_tiny_config(tmp_path: Path, ann: str, epochs: int = 2,
                      batch_size: int = 4, lr: float = 1e-3,
                      dropout: float = 0.2, train_test_mode: bool = False,
                      backbone_extra: str = '', name: str = 'tiny.py') -> str:
    """Write the tiny ST-GCN regressor config and return its path.

    Args:
        tmp_path (Path): Folder for the config.
        ann (str): Annotation pickle (train and test splits).
        epochs (int): ``max_epochs``; validation runs after the last one.
        batch_size (int): Train batch size per process.
        lr (float): AdamW learning rate.
        dropout (float): Dropout of the regression head.
        train_test_mode (bool): Deterministic frame sampling in training.
        backbone_extra (str): Extra ``STGCN`` keyword arguments, as config
            source starting with ``', '`` (e.g. ``", data_bn_type='None'"``).
        name (str): File name of the config.

    Returns:
        str: The config path.
    """
    path = tmp_path / name
    path.write_text(_TINY.format(
        base=str(BASE), ann=ann, epochs=epochs, batch_size=batch_size,
        lr=lr, dropout=dropout, train_test_mode=train_test_mode,
        backbone_extra=backbone_extra))
    return str(path)


def write_annotations(path: Path, **kwargs) -> str:
    """Pickle :func:`tests.conftest.make_annotations` (kwargs) to ``path``.

    Args:
        path (Path): Destination ``.pkl``.
        **kwargs: Passed to ``make_annotations`` (``num_train``, ...).

    Returns:
        str: ``path`` as a string.
    """
    path.write_bytes(pickle.dumps(make_annotations(**kwargs)))
    return str(path)


def env(**extra: str) -> Dict[str, str]:
    """The environment for tool subprocesses: 1 OpenMP thread, unbuffered."""
    return dict(os.environ, OMP_NUM_THREADS='1', PYTHONUNBUFFERED='1',
                **extra)


def run_tool(args: Sequence[str], timeout: int = 300,
             extra_env: Optional[Dict[str, str]] = None
             ) -> subprocess.CompletedProcess:
    """Run ``python ARGS`` in the repository root and capture the output.

    Args:
        args (Sequence[str]): Script and its arguments.
        timeout (int): Seconds before the run is killed.
        extra_env (dict, optional): Extra environment variables.

    Returns:
        subprocess.CompletedProcess: With ``stdout`` and ``stderr`` text.
    """
    return subprocess.run([sys.executable, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout,
                          env=env(**(extra_env or {})))


def train(config: str, work_dir: Path, extra: Sequence[str] = ()
          ) -> subprocess.CompletedProcess:
    """``tools/train.py CONFIG --work-dir WORK_DIR EXTRA``; must succeed."""
    proc = run_tool(['tools/train.py', config, '--work-dir', str(work_dir),
                     *extra])
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return proc


def evaluate(config: str, checkpoint: Path, out: Path) -> tuple:
    """``tools/test.py`` with ``--dump`` and ``--metrics-out``.

    Args:
        config (str): Config path.
        checkpoint (Path): Checkpoint to evaluate.
        out (Path): Folder for the work_dir, dump and metrics files.

    Returns:
        tuple[dict, list[dict]]: The metrics and the per-sample records.
    """
    out.mkdir(parents=True, exist_ok=True)
    proc = run_tool(['tools/test.py', config, str(checkpoint),
                     '--work-dir', str(out / 'work'),
                     '--dump', str(out / 'preds.pkl'),
                     '--metrics-out', str(out / 'metrics.json')])
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    metrics = json.loads((out / 'metrics.json').read_text())
    records = pickle.loads((out / 'preds.pkl').read_bytes())
    return metrics, records


@pytest.fixture
def tiny_cfg(tmp_path, tiny_ann) -> str:
    """The tiny config on the ``tiny_ann`` fixture (2 epochs, batch 4)."""
    return write_tiny_config(tmp_path, tiny_ann)
