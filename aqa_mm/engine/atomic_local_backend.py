"""A local storage backend whose writes are atomic (temporary file + rename).

mmengine writes checkpoints straight to their final name, so a kill during
the write leaves a truncated ``epoch_N.pth``. :class:`aqa_mm.engine.AQARunner`
saves local checkpoints through this backend instead; it is registered in
mmengine's storage-backend registry under :data:`ATOMIC_LOCAL_BACKEND`, so
nothing else changes for other users of mmengine.
"""
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend

from aqa_mm.utils.io import atomic_open

#: Name of the backend in mmengine's registry (``backend_args['backend']``).
ATOMIC_LOCAL_BACKEND = 'aqa_atomic_local'


@register_backend(ATOMIC_LOCAL_BACKEND, force=True)
class AtomicLocalBackend(LocalBackend):
    """mmengine's :class:`LocalBackend` with crash-safe ``put``/``put_text``.

    The data goes to a temporary file in the destination folder, which then
    replaces the target (:func:`aqa_mm.utils.io.atomic_open`): a reader sees
    the old file or the new one, never half of one.
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write bytes to ``filepath`` atomically (folders are created).

        Args:
            obj (bytes): Data to be written.
            filepath (str | Path): Destination.
        """
        with atomic_open(filepath, 'wb') as f:
            f.write(obj)

    def put_text(self, obj: str, filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        """Write text to ``filepath`` atomically (folders are created).

        Args:
            obj (str): Text to be written.
            filepath (str | Path): Destination.
            encoding (str): Text encoding. Defaults to ``'utf-8'``.
        """
        self.put(obj.encode(encoding), filepath)
