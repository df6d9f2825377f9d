"""Readers for the converters' source files: MATLAB split/score files,
pickled lists and dicts from outside (read with :class:`RestrictedUnpickler`,
which builds plain containers, numbers, strings and numpy arrays only), and
the per-video pose pkls of ``tools/extract_pose.py``::

    dict(frame_dir, total_frames, img_shape, original_shape,
         keypoint (M, T, V, 2), keypoint_score (M, T, V), boxes)

Every error names the file and what is wrong with it.
"""
import os.path as osp
import pickle
from typing import Any, Mapping, Optional

import numpy as np

from aqa_mm.utils.cli import DataError

# The only globals a released annotation pickle may name: numpy arrays and
# scalars (numpy 1.x and 2.x module paths). Anything else (a class, a
# function such as os.system) is refused before it is called.
SAFE_GLOBALS = frozenset({
    ('numpy', 'ndarray'), ('numpy', 'dtype'),
    ('numpy.core.multiarray', '_reconstruct'),
    ('numpy.core.multiarray', 'scalar'),
    ('numpy._core.multiarray', '_reconstruct'),
    ('numpy._core.multiarray', 'scalar'),
    ('builtins', 'set'), ('builtins', 'frozenset'),
    ('__builtin__', 'set'), ('__builtin__', 'frozenset'),
})


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that resolves only :data:`SAFE_GLOBALS`.

    Released annotation pickles hold dicts, lists, tuples, numbers, strings
    and at most numpy arrays; loading them this way cannot run code.

    Args:
        file (BinaryIO): Open binary file.
        encoding (str): Decoding of Python 2 ``str`` objects. Defaults to
            ``'latin1'`` (what Python 2 pickles with numpy need).
    """

    def __init__(self, file, encoding: str = 'latin1') -> None:
        super().__init__(file, encoding=encoding)

    def find_class(self, module: str, name: str) -> Any:
        """Resolve an allowed global; refuse every other one."""
        if (module, name) in SAFE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f'refusing to load global {module}.{name} (only plain data and '
            'numpy arrays are allowed)')


def load_restricted_pickle(path: str) -> Any:
    """Read a pickle from outside with :class:`RestrictedUnpickler`.

    Args:
        path (str): The ``.pkl`` file (Python 2 or 3).

    Returns:
        Any: Its content (plain containers, numbers, strings, arrays).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        DataError: Naming ``path``: unreadable, truncated, or naming a
            global that is not allowed.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found')
    try:
        with open(path, 'rb') as f:
            return RestrictedUnpickler(f).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError,
            AttributeError, IndexError) as exc:
        raise DataError(f'{path}: unreadable pickle ({exc})') from exc


def load_mat_array(path: str, key: str) -> np.ndarray:
    """Read one matrix from a MATLAB ``.mat`` file.

    Args:
        path (str): The ``.mat`` file.
        key (str): Variable name.

    Returns:
        np.ndarray: The matrix.
    """
    from scipy.io import loadmat
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found')
    try:
        mat = loadmat(path)
    except Exception as exc:  # scipy raises several types for bad files
        raise DataError(f'{path}: not a readable .mat file ({exc})') from exc
    if key not in mat:
        keys = sorted(k for k in mat if not k.startswith('__'))
        raise DataError(f'{path}: no variable {key!r}; it holds {keys}')
    return np.asarray(mat[key])


def check_pose(pose: Mapping, num_keypoints: int = 17) -> Optional[str]:
    """Why a pose dict is unusable, or None when it is fine.

    Args:
        pose (Mapping): Needs ``keypoint`` (M, T, V, 2) and
            ``keypoint_score`` (M, T, V).
        num_keypoints (int): Expected V. Defaults to 17 (COCO).

    Returns:
        str | None: The problem.
    """
    if not isinstance(pose, Mapping):
        return f'not a dict but {type(pose).__name__}'
    for key in ('keypoint', 'keypoint_score'):
        if pose.get(key) is None:
            return f'missing {key!r}'
    kp = np.asarray(pose['keypoint'])
    score = np.asarray(pose['keypoint_score'])
    if kp.ndim != 4 or kp.shape[2:] != (num_keypoints, 2):
        return f'keypoint has shape {kp.shape}, expected (M, T, ' \
               f'{num_keypoints}, 2)'
    if score.shape != kp.shape[:3]:
        return f'keypoint_score has shape {score.shape}, expected ' \
               f'{kp.shape[:3]}'
    if kp.shape[0] == 0 or kp.shape[1] == 0:
        return f'empty skeleton (shape {kp.shape})'
    return None


def load_pose_file(path: str, num_keypoints: int = 17) -> dict:
    """Read and check one pose pkl of ``tools/extract_pose.py``.

    Args:
        path (str): The pose pkl.
        num_keypoints (int): Expected V. Defaults to 17.

    Returns:
        dict: The pose dict.

    Raises:
        DataError: Naming ``path`` and the problem.
    """
    try:
        with open(path, 'rb') as f:
            pose = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise DataError(f'{path}: unreadable pose file ({exc})') from exc
    problem = check_pose(pose, num_keypoints)
    if problem:
        raise DataError(f'{path}: {problem}')
    return pose


def skeleton_fields(pose: Mapping) -> dict:
    """The annotation fields taken from a checked pose dict.

    Args:
        pose (Mapping): Pose dict (see :func:`check_pose`).

    Returns:
        dict: ``total_frames``, ``img_shape``, ``original_shape``,
        ``keypoint`` float32 (M, T, V, 2), ``keypoint_score`` float32
        (M, T, V).
    """
    kp = np.asarray(pose['keypoint'], dtype=np.float32)
    img_shape = tuple(int(v) for v in pose.get('img_shape') or (1080, 1920))
    return dict(total_frames=int(kp.shape[1]), img_shape=img_shape,
                original_shape=tuple(pose.get('original_shape') or img_shape),
                keypoint=kp, keypoint_score=np.asarray(
                    pose['keypoint_score'], dtype=np.float32))


def load_pickled_list(path: str) -> list:
    """Read a pickled sequence (list, tuple or 1-D+ array) as a list.

    Args:
        path (str): The ``.pkl`` file.

    Returns:
        list: Its items, in order.
    """
    items = load_restricted_pickle(path)
    if isinstance(items, np.ndarray) and items.ndim >= 1:
        return list(items)
    if not isinstance(items, (list, tuple)):
        raise DataError(f'{path}: expected a list, got '
                        f'{type(items).__name__}')
    return list(items)
