"""Config loading and one-line errors for the command-line tools.

The tools wrap their work in :func:`friendly_errors`: a user mistake (missing
config, misspelt ``--cfg-options`` key, unknown registry type, missing data
file) prints one line naming the problem and exits with status 2, instead of
a wall of traceback. Set ``AQA_MM_DEBUG=1`` to get the full traceback.
"""
import argparse
import difflib
import os
import os.path as osp
import re
import sys
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional, Tuple

from mmengine.config import Config, ConfigDict, DictAction


class UserError(Exception):
    """A mistake in the user's input that deserves a one-line message."""


def require_path(path: str, what: str, folder: bool = False) -> str:
    """Fail with ``'<what> not found: <path>'`` unless ``path`` exists.

    Args:
        path (str): File (or folder) the user named.
        what (str): What it is, e.g. ``'checkpoint'``.
        folder (bool): Expect a folder instead of a file. Defaults to False.

    Returns:
        str: ``path``.

    Raises:
        UserError: When ``path`` is not an existing file (folder).
    """
    if not (os.path.isdir(path) if folder else os.path.isfile(path)):
        raise UserError(f'{what} not found: {path}')
    return path


def load_config(path: str) -> Config:
    """Load a config file, failing with the path when it is missing.

    Args:
        path (str): Path to a ``.py`` config.

    Returns:
        Config: The loaded config.
    """
    return Config.fromfile(require_path(path, 'config file'))


def _flat_keys(node: Any, prefix: str = '') -> List[str]:
    """Dotted key paths of a config tree (list items as ``key.0``)."""
    keys = []
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, (list, tuple)):
        items = ((str(i), v) for i, v in enumerate(node))
    else:
        return keys
    for k, v in items:
        path = f'{prefix}{k}'
        keys.append(path)
        keys.extend(_flat_keys(v, path + '.'))
    return keys


def merge_cfg_options(cfg: Config, options: Optional[Dict[str, Any]]) -> None:
    """Merge ``--cfg-options`` into ``cfg``, rejecting misspelt keys.

    mmengine silently adds unknown keys, so ``model.backbone.in_chanels=3``
    would be ignored and the run would train something else. Here every key
    must name an existing entry, or be a new key of an existing dict that is
    prefixed with ``+`` (e.g. ``+model.backbone.new_arg=1``).

    Args:
        cfg (Config): Config to update in place.
        options (dict, optional): Parsed ``--cfg-options``.

    Raises:
        UserError: For a key whose path does not exist, with close names.
    """
    if not options:
        return
    known = set(_flat_keys(cfg._cfg_dict.to_dict()))
    clean = {}
    for key, value in options.items():
        if key.startswith('+'):
            key = key[1:]
            parent = key.rpartition('.')[0]
            if parent and parent not in known:
                raise UserError(f'--cfg-options: parent of {key!r} does not '
                                f'exist{_suggest(parent, known)}')
        elif key not in known:
            raise UserError(f'--cfg-options: unknown key {key!r}'
                            f'{_suggest(key, known)} (prefix a key with "+" '
                            'to add a new one)')
        clean[key] = value
    cfg.merge_from_dict(clean)


def split_assignment(item: str, option: str, expected: str,
                     need_value: bool = True) -> Tuple[str, str]:
    """Split one ``KEY=VALUE`` item of a repeated option.

    Args:
        item (str): The item as given, e.g. ``'train=labels.txt'``.
        option (str): The option, named in the error, e.g. ``'--labels'``.
        expected (str): The expected form, e.g. ``'SPLIT=FILE'``.
        need_value (bool): Reject an empty VALUE too. Defaults to True.

    Returns:
        tuple[str, str]: KEY and VALUE.

    Raises:
        UserError: Without ``=``, with an empty KEY, or (``need_value``)
            with an empty VALUE.
    """
    key, sep, value = item.partition('=')
    if not sep or not key or (need_value and not value):
        raise UserError(f'{option} {item!r}: expected {expected}')
    return key, value


def add_cfg_options_arg(parser: argparse.ArgumentParser,
                        help_text: str = 'override config entries (keys '
                        'must exist)') -> None:
    """Add ``--cfg-options k=v ...`` (parsed by mmengine's ``DictAction``;
    merge it with :func:`merge_cfg_options`).

    Args:
        parser (argparse.ArgumentParser): A tool's parser to extend.
        help_text (str): The option's help.
    """
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help=help_text)


def add_runner_args(parser: argparse.ArgumentParser,
                    cfg_options_help: str = 'override config entries (keys '
                    'must exist)') -> None:
    """Add ``--cfg-options``, ``--launcher`` and ``--local_rank``, the last
    options of mmaction2's ``tools/train.py`` and ``tools/test.py``.

    Args:
        parser (argparse.ArgumentParser): A tool's parser to extend.
        cfg_options_help (str): Help of ``--cfg-options``.
    """
    add_cfg_options_arg(parser, cfg_options_help)
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_runner_args(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Parse ``sys.argv`` and export ``--local_rank`` as ``LOCAL_RANK``
    unless the launcher already set it.

    Args:
        parser (argparse.ArgumentParser): Parser with :func:`add_runner_args`.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_runner_args(cfg: Config, args: argparse.Namespace) -> None:
    """Apply ``--cfg-options``, ``--launcher`` and ``--work-dir`` to ``cfg``.

    Without ``--work-dir`` and without ``work_dir`` in the config, the work
    directory is ``./work_dirs/<config file name without .py>``.

    Args:
        cfg (Config): Config to update in place.
        args (argparse.Namespace): Parsed arguments with ``config``,
            ``work_dir``, ``cfg_options`` and ``launcher``.

    Raises:
        UserError: For a misspelt ``--cfg-options`` key.
    """
    merge_cfg_options(cfg, args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])


def _suggest(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    return f'; did you mean {", ".join(close)}?' if close else ''


def _registry_suggestion(message: str) -> Optional[str]:
    """Turn mmengine's "X is not in the Y registry" into a one-liner."""
    m = re.search(r'(\S+) is not in the (\S+) registry', message)
    if not m:
        return None
    name, reg_name = m.group(1).strip('`\'"'), m.group(2)
    from mmaction import registry as mmaction_registry
    candidates = set()
    for attr in dir(mmaction_registry):
        reg = getattr(mmaction_registry, attr)
        if getattr(reg, 'name', None) and f'::{reg.name}' in reg_name:
            while reg is not None:
                candidates.update(reg.module_dict)
                reg = reg.parent
    close = difflib.get_close_matches(name, sorted(candidates), n=5,
                                      cutoff=0.5)
    hint = f'; close names: {", ".join(close)}' if close else ''
    return f'unknown type {name!r} in the {reg_name} registry{hint}'


def describe_error(exc: BaseException) -> Optional[str]:
    """A one-line description of a user error, or None for a real bug.

    Args:
        exc (BaseException): The exception raised by a tool.

    Returns:
        str | None: The message to print, or None to re-raise.
    """
    message = str(exc.args[0]) if exc.args else str(exc)
    if isinstance(exc, UserError):
        return message
    if isinstance(exc, KeyError):
        return _registry_suggestion(message)
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return f'{type(exc).__name__}: {exc}'
    if isinstance(exc, TypeError) and 'unexpected keyword argument' in message:
        # mmengine prefixes constructor errors with "class `X` in Y.py: "
        return f'config error: {message}'
    if isinstance(exc, AssertionError) and 'Invalid arguments' in message:
        # mmaction2's GCN blocks swallow **kwargs and assert on leftovers
        return f'config error: {message}'
    if isinstance(exc, (ValueError, FloatingPointError)) and getattr(
            exc, 'aqa_user_error', False):
        return message
    return None


@contextmanager
def friendly_errors(tool: str) -> Iterator[None]:
    """Print one line and exit 2 for user errors; re-raise real bugs.

    Args:
        tool (str): Name shown before the message, e.g. ``'train.py'``.
    """
    try:
        yield
    except (UserError, KeyError, FileNotFoundError, NotADirectoryError,
            TypeError, ValueError, AssertionError,
            FloatingPointError) as exc:  # NonFiniteLossError
        message = describe_error(exc)
        if message is None or os.environ.get('AQA_MM_DEBUG'):
            raise
        print(f'{tool}: error: {message}', file=sys.stderr)
        sys.exit(2)


class DataError(ValueError):
    """Invalid dataset content; always reported as a one-line user error."""
    aqa_user_error = True
