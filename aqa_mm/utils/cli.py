"""Config loading and one-line errors for the command-line tools.

The tools wrap their work in :func:`friendly_errors`: a user mistake (missing
config, misspelt ``--cfg-options`` key, unknown registry type, missing data
file) prints one line naming the problem and exits with status 2, instead of
a wall of traceback. Set ``AQA_MM_DEBUG=1`` to get the full traceback.
"""
import difflib
import os
import re
import sys
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional

from mmengine.config import Config, ConfigDict


class UserError(Exception):
    """A mistake in the user's input that deserves a one-line message."""


def load_config(path: str) -> Config:
    """Load a config file, failing with the path when it is missing.

    Args:
        path (str): Path to a ``.py`` config.

    Returns:
        Config: The loaded config.
    """
    if not os.path.isfile(path):
        raise UserError(f'config file not found: {path}')
    return Config.fromfile(path)


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
