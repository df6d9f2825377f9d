"""End-to-end runs of tools/train.py, tools/test.py and tools/dist_train.sh
on a tiny annotation file, plus the one-line errors for bad input."""
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from aqa_mm.utils.checkpoint import load_checkpoint_file

ROOT = Path(__file__).resolve().parents[2]
CONFIG = 'configs/stgcn/stgcn_regressor_1xb16-30e_synthetic.py'


def _data_opts(ann, epochs):
    return ['--cfg-options', f'train_dataloader.dataset.ann_file={ann}',
            f'val_dataloader.dataset.ann_file={ann}',
            f'test_dataloader.dataset.ann_file={ann}',
            f'train_cfg.max_epochs={epochs}', 'train_cfg.val_interval=1',
            'train_dataloader.batch_size=4', 'val_dataloader.batch_size=4',
            'train_dataloader.num_workers=0', 'val_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False',
            'val_dataloader.persistent_workers=False']


def _run(args, **kw):
    env = dict(os.environ, OMP_NUM_THREADS='1')
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=600, **kw)


def _train(tmp_path, ann, epochs=2, extra=()):
    return _run([sys.executable, 'tools/train.py', CONFIG, '--work-dir',
                 str(tmp_path / 'work'), *extra, *_data_opts(ann, epochs)])


@pytest.mark.slow
def test_train_then_test_with_dump(tmp_path, tiny_ann):
    proc = _train(tmp_path, tiny_ann)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ckpt = tmp_path / 'work' / 'epoch_2.pth'
    assert ckpt.is_file()
    assert 'aqa/spearman' in proc.stdout + proc.stderr
    dump = tmp_path / 'preds.pkl'
    proc = _run([sys.executable, 'tools/test.py', CONFIG, str(ckpt),
                 '--work-dir', str(tmp_path / 'test'), '--dump', str(dump),
                 *_data_opts(tiny_ann, 2)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = pickle.loads(dump.read_bytes())
    assert len(records) == 6
    assert {'frame_dir', 'gt_score', 'pred_aqa_score', 'class_id'} <= set(
        records[0])
    assert isinstance(records[0]['pred_aqa_score'], float)


@pytest.mark.slow
def test_kill_9_then_resume(tmp_path, tiny_ann):
    work = tmp_path / 'work'
    args = [sys.executable, 'tools/train.py', CONFIG, '--work-dir',
            str(work), *_data_opts(tiny_ann, 50)]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            env=dict(os.environ, OMP_NUM_THREADS='1'),
                            start_new_session=True)
    deadline = time.time() + 300
    while not (work / 'epoch_2.pth').exists():
        assert proc.poll() is None, 'training ended before it was killed'
        assert time.time() < deadline, 'no checkpoint after 300 s'
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    # checkpoints are written atomically: every file left behind is complete
    for ckpt in work.glob('*.pth'):
        load_checkpoint_file(ckpt)
    assert not list(work.glob('.*.tmp'))
    last = max(int(p.stem.split('_')[1]) for p in work.glob('epoch_*.pth'))
    assert last < 50
    resumed = _train(tmp_path, tiny_ann, epochs=last + 1,
                     extra=['--resume'])
    log = resumed.stdout + resumed.stderr
    assert resumed.returncode == 0, log[-3000:]
    assert f'resumed epoch: {last}' in log
    assert (work / f'epoch_{last + 1}.pth').is_file()


@pytest.mark.slow
def test_dist_train_two_cpu_processes(tmp_path, tiny_ann):
    env = dict(os.environ, PORT=str(29500 + os.getpid() % 1000))
    proc = subprocess.run(
        ['bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir',
         str(tmp_path / 'work'), *_data_opts(tiny_ann, 1)],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[:4000] + '\n[...]\n' + log[-4000:]
    assert 'Distributed training: True' in log
    assert 'aqa/spearman' in log
    assert (tmp_path / 'work' / 'epoch_1.pth').is_file()


@pytest.mark.parametrize('args, message', [
    (['configs/nope.py'], 'config file not found: configs/nope.py'),
    ([CONFIG, '--cfg-options', 'model.backbone.in_chanels=3'],
     "unknown key 'model.backbone.in_chanels'; did you mean "
     'model.backbone.in_channels'),
    ([CONFIG, '--cfg-options', 'model.backbone.type=STGCNN'],
     "unknown type 'STGCNN'"),
    ([CONFIG, '--cfg-options', 'train_dataloader.dataset.ann_file=no.pkl'],
     'annotation file not found: no.pkl'),
    ([CONFIG, '--resume', 'missing.pth'],
     '--resume checkpoint not found: missing.pth'),
    pytest.param([CONFIG, '--amp'], '--amp needs a CUDA GPU',
                 marks=pytest.mark.skipif(torch.cuda.is_available(),
                                          reason='AMP works on this GPU')),
])
def test_bad_input_gives_one_line_error(tmp_path, args, message):
    proc = _run([sys.executable, 'tools/train.py', *args, '--work-dir',
                 str(tmp_path)])
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = [ln for ln in proc.stderr.splitlines()
             if ln.startswith('train.py: error:')]
    assert len(lines) == 1 and message in lines[0], proc.stderr[-2000:]
    assert 'Traceback' not in proc.stderr


def test_typo_in_config_file_is_named(tmp_path, tiny_ann):
    cfg = tmp_path / 'typo.py'
    cfg.write_text(f"_base_ = ['{ROOT / CONFIG}']\n"
                   "model = dict(backbone=dict(base_channel=32))\n")
    proc = _run([sys.executable, 'tools/train.py', str(cfg), '--work-dir',
                 str(tmp_path / 'w'), *_data_opts(tiny_ann, 1)])
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = [ln for ln in proc.stderr.splitlines()
             if ln.startswith('train.py: error: config error')]
    assert len(lines) == 1 and "'base_channel'" in lines[0], proc.stderr
    assert 'Traceback' not in proc.stderr
