"""What benchmarks/gpu_nw_ucla_semi.sh sends and brings back: the dry run's
copy of the tree, the encoder weights and the work dir's archive.

The device tool brings back at most 8 files of 16 MiB, at most 2 folders
down, so the work dir stays outside OUT_DIR and comes back as one archive
without checkpoints; of each pretraining only the last epoch's encoder
(about 6 MB: what the finetuning config loads) comes back.
"""
import os
import pickle
import re
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Optional

import gpu_check_wheels as wheels
from gpu_nw_ucla_semi_plan import ANN

ROOT = Path(__file__).resolve().parents[1]


def travel() -> dict:
    """What a call carrying ``.whl`` and ``data/nw_ucla`` sends (MiB), and
    what is missing from ``.whl/``."""
    return dict(wheel_problems=wheels.check_folder(wheels.WHEEL_DIR,
                                                   wheels.required()),
                mib=round(wheels.travel_mib(carried=(
                    wheels.WHEEL_DIR, ROOT / ANN.parent)) or 0, 1),
                limit_mib=wheels.LIMIT_MIB)


def dry_tree(base: Path) -> Path:
    """A copy of the tree as a device call sends it (tracked and untracked,
    not ignored files) in ``base/tree``, with a tiny NW-UCLA pkl (4 train,
    6 test sequences of the real one) in place of the real one."""
    tree = base / 'tree'
    files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others',
                            '--exclude-standard'], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split('\0')
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tree / name)
    with open(ROOT / ANN, 'rb') as f:
        data = pickle.load(f)
    split = {'xview_train': data['split']['xview_train'][::255],
             'xview_val': data['split']['xview_val'][::78]}
    keep = {n for names in split.values() for n in names}
    (tree / ANN).parent.mkdir(parents=True, exist_ok=True)
    with open(tree / ANN, 'wb') as f:
        pickle.dump(dict(split=split, annotations=[
            a for a in data['annotations'] if a['frame_dir'] in keep]), f)
    return tree


def _epoch(path: Path) -> int:
    return int(re.fullmatch(r'epoch_(\d+)\.pth', path.name)[1])


def export_encoder(work: Path, variant: str, out_dir: Path) -> Optional[str]:
    """The ``encoder.`` weights of the last readable checkpoint of
    ``pretrain_<variant>``, as ``out_dir/encoder_<variant>_e<N>.pth`` (older
    epochs' files removed); its name, or None without a checkpoint.

    The file is ``dict(state_dict, meta)`` with plain values only: mmengine's
    ``load_checkpoint`` and the finetuning config's ``StrictPretrained``
    (prefix ``encoder.``) read it, and so does ``torch.load`` with
    ``weights_only=True``.
    """
    import torch

    # importing aqa_mm allow-lists the types mmengine checkpoints pickle
    # (HistoryBuffer, numpy), so weights_only stays on
    from aqa_mm.utils.checkpoint import patch_mmengine_checkpointing
    patch_mmengine_checkpointing()
    ckpts = sorted((work / f'pretrain_{variant}').glob('epoch_*.pth'),
                   key=_epoch)
    for ckpt in reversed(ckpts):
        try:    # the last one is cut off when its step was stopped saving it
            full = torch.load(ckpt, map_location='cpu', weights_only=True)
        except Exception:
            continue
        name = f'encoder_{variant}_e{_epoch(ckpt)}.pth'
        state = {k: v for k, v in full['state_dict'].items()
                 if k.startswith('encoder.')}
        meta = dict(variant=variant, epoch=_epoch(ckpt),
                    iter=int(full.get('meta', {}).get('iter', -1)),
                    source=f'pretrain_{variant}/{ckpt.name}')
        torch.save(dict(state_dict=state, meta=meta), out_dir / 'encoder.tmp')
        for old in out_dir.glob(f'encoder_{variant}_e*.pth'):
            old.unlink()
        os.replace(out_dir / 'encoder.tmp', out_dir / name)
        return name
    return None


def pack(work: Path, out_dir: Path) -> None:
    """``out_dir/work.tar.gz``: the work dir without checkpoints, and with
    the cached features only of the epochs whose encoder is in ``out_dir``
    (scalars.json, mmengine's logs and configs, the steps' output)."""
    keep = {f'features_{m[1]}.npz' for m in (
        re.fullmatch(r'encoder_(.+_e\d+)\.pth', p.name)
        for p in out_dir.glob('encoder_*.pth')) if m}
    tmp = out_dir / 'work.tar.gz.tmp'
    with tarfile.open(tmp, 'w:gz') as tar:
        for path in sorted(work.rglob('*')):
            if path.is_file() and '.tmp' not in path.name and (
                    path.suffix not in ('.pth', '.npz') or path.name in keep):
                tar.add(path, arcname=str(path.relative_to(work)))
    os.replace(tmp, out_dir / 'work.tar.gz')
