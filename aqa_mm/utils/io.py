"""Crash-safe file writing: data is never half-written.

Every writer goes to a temporary file in the destination folder and then
``os.replace``s it over the target, which is atomic on POSIX file systems.
A process killed mid-write leaves at most a ``*.tmp*`` file behind, never a
truncated target.
"""
import os
import pickle
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Union

PathLike = Union[str, os.PathLike]


@contextmanager
def atomic_open(path: PathLike, mode: str = 'wb') -> Iterator:
    """Open a temporary file that replaces ``path`` only on success.

    Args:
        path (str | PathLike): Final destination.
        mode (str): ``'wb'`` or ``'w'``. Defaults to ``'wb'``.

    Yields:
        file: The open temporary file.
    """
    if mode not in ('wb', 'w'):
        raise ValueError('atomic_open supports modes "wb" and "w", got '
                         f'{mode!r}')
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f'.{path.name}.', suffix='.tmp',
                               dir=path.parent)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_pickle_dump(obj: Any, path: PathLike) -> None:
    """Pickle ``obj`` to ``path`` atomically (temporary file, then rename).

    Args:
        obj (Any): Object to pickle.
        path (str | PathLike): Destination file.
    """
    with atomic_open(path, 'wb') as f:
        pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)


def atomic_write_text(text: str, path: PathLike) -> None:
    """Write ``text`` to ``path`` atomically.

    Args:
        text (str): Content.
        path (str | PathLike): Destination file.
    """
    with atomic_open(path, 'w') as f:
        f.write(text)
