"""Registration and pre-flight checks shared by the tools."""
import argparse
import os
import shutil
import tempfile
from typing import Callable

from mmengine.config import Config
from mmengine.registry import DefaultScope

from .cli import UserError, load_config
from .dist_utils import setup_cpu_distributed


def register_all_modules(init_default_scope: bool = True) -> None:
    """Register mmaction2's and aqa_mm's components.

    aqa_mm registers into mmaction2's registries, so the default scope is
    ``'mmaction'`` and configs run under mmaction2's runners unchanged.

    Args:
        init_default_scope (bool): Make ``'mmaction'`` the default scope.
            Defaults to True.
    """
    from mmaction.utils import register_all_modules as mmaction_register
    mmaction_register(init_default_scope=False)
    import aqa_mm  # noqa: F401  (registration side effects)
    if init_default_scope and DefaultScope.get_current_instance() is None:
        DefaultScope.get_instance('aqa_mm', scope_name='mmaction')


def check_work_dir(work_dir: str, min_free_mb: int = 100) -> None:
    """Fail before training if ``work_dir`` cannot hold checkpoints.

    Args:
        work_dir (str): Directory for logs and checkpoints (created).
        min_free_mb (int): Free space required, in MiB. Defaults to 100.

    Raises:
        UserError: If the directory is not writable or the disk is full.
    """
    try:
        os.makedirs(work_dir, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=work_dir, prefix='.write_test'):
            pass
    except OSError as exc:
        raise UserError(f'work_dir {work_dir!r} is not writable: '
                        f'{exc.strerror or exc}') from exc
    free_mb = shutil.disk_usage(work_dir).free // 2**20
    if free_mb < min_free_mb:
        raise UserError(f'work_dir {work_dir!r} has only {free_mb} MiB free '
                        f'(need at least {min_free_mb} MiB for checkpoints)')


def load_tool_config(
        args: argparse.Namespace,
        merge_args: Callable[[Config, argparse.Namespace], Config]) -> Config:
    """The config of a training or testing tool, ready for its runner.

    Registers the components, loads ``args.config``, merges the command
    line with ``merge_args`` and sets up CPU-only distributed runs for
    ``args.launcher`` (see :func:`~aqa_mm.utils.setup_cpu_distributed`).

    Args:
        args (argparse.Namespace): Parsed arguments with ``config`` and
            ``launcher``.
        merge_args (callable): ``(cfg, args) -> cfg``, the tool's merge of
            its own options.

    Returns:
        Config: The merged config.
    """
    register_all_modules()
    cfg = merge_args(load_config(args.config), args)
    setup_cpu_distributed(cfg, args.launcher)
    return cfg
