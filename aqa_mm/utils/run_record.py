"""What a results JSON records about a run: paths that name no machine, and
where and when the run ran."""
import datetime
import os
import os.path as osp
import platform
from pathlib import Path
from typing import Optional

import torch

#: the source checkout's root (the folder holding ``aqa_mm/``)
REPO_ROOT = Path(__file__).resolve().parents[2]


def relative_path(path: Optional[str]) -> Optional[str]:
    """How a results JSON names ``path``, never by an absolute path of the
    machine: under ``$AQA_DATA_DIR`` through the variable, inside the
    repository relative to its root, elsewhere by its name alone.

    Args:
        path (str, optional): Any path.

    Returns:
        str | None: E.g. ``'$AQA_DATA_DIR/videos/a.mp4'``,
        ``'configs/fisv/x.py'`` or ``'x.pkl'``; None for None.
    """
    if path is None:
        return None
    resolved = Path(path).resolve()
    for base, prefix in ((os.environ.get('AQA_DATA_DIR'), '$AQA_DATA_DIR/'),
                         (REPO_ROOT, '')):
        if base and resolved.is_relative_to(Path(base).resolve()):
            inside = resolved.relative_to(Path(base).resolve())
            return (prefix + str(inside)).rstrip('/.') or '.'
    return resolved.name


def relative_command(head: str, argv) -> str:
    """A command line with its absolute arguments as
    :func:`relative_path` names them.

    Args:
        head (str): What runs, e.g. ``'python -m projects.fisv.run'``.
        argv (Sequence[str]): Its arguments.

    Returns:
        str: The command.
    """
    return ' '.join([head, *(relative_path(a) if osp.isabs(a) else a
                             for a in argv)])


def machine_info() -> dict:
    """Where a run ran.

    Returns:
        dict: ``date`` (ISO, seconds), ``platform``, ``machine``,
        ``processor``, ``cpus``, ``torch``, ``torch_threads``, ``gpu`` (the
        card's name, or None).
    """
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return dict(date=datetime.datetime.now().isoformat(timespec='seconds'),
                platform=platform.platform(), machine=platform.machine(),
                processor=platform.processor(), cpus=os.cpu_count(),
                torch=torch.__version__, torch_threads=torch.get_num_threads(),
                gpu=gpu)
