"""Build the mmpose top-down model: bundled config, checkpoint or random
weights.

The default is mmpose's own HRNet-w32 COCO config,
``td-hm_hrnet-w32_8xb64-210e_coco-256x192``, which ships inside the mmpose
package. The matching COCO weights are listed in mmpose's model zoo (see
docs/user_guides/pose_extraction.md); ``checkpoint`` takes a local path or
a URL.
"""
import os.path as osp
from typing import Optional

import torch
from mmengine.registry import DefaultScope

from aqa_mm.utils.cli import UserError
from .bundled_config import find_config

DEFAULT_POSE_CONFIG = 'td-hm_hrnet-w32_8xb64-210e_coco-256x192'
_URL_PREFIXES = ('http://', 'https://', 's3://', 'pavi://', 'open-mmlab://',
                 'openmmlab://', 'mmcls://', 'torchvision://')


def resolve_pose_config(config: Optional[str]) -> str:
    """A pose config path from a path or the name of a bundled config.

    Args:
        config (str, optional): ``.py`` path, or the name of a config shipped
            with mmpose. None means :data:`DEFAULT_POSE_CONFIG`.

    Returns:
        str: Path of the config file.

    Raises:
        UserError: Neither a file nor a config bundled with mmpose.
    """
    return find_config(config or DEFAULT_POSE_CONFIG, 'mmpose', 'pose')


def check_checkpoint(checkpoint: Optional[str], random_weights: bool) -> None:
    """Refuse to run without weights unless random weights are asked for.

    Args:
        checkpoint (str, optional): Path or URL of the pose weights.
        random_weights (bool): Use randomly initialised weights (testing).

    Raises:
        UserError: No checkpoint and no ``random_weights``, both given, or a
            local checkpoint path that does not exist.
    """
    if checkpoint and random_weights:
        raise UserError('give either --pose-checkpoint or --random-weights, '
                        'not both')
    if not checkpoint and not random_weights:
        raise UserError('no --pose-checkpoint given: pass the HRNet weights '
                        '(a path or URL, see '
                        'docs/user_guides/pose_extraction.md), or '
                        '--random-weights to test the pipeline (the keypoints '
                        'are then meaningless)')
    if checkpoint and not checkpoint.startswith(_URL_PREFIXES) \
            and not osp.isfile(checkpoint):
        raise UserError(f'pose checkpoint not found: {checkpoint}')


def init_pose_model(config: Optional[str] = None,
                    checkpoint: Optional[str] = None, device: str = 'cpu',
                    random_weights: bool = False,
                    seed: int = 0) -> torch.nn.Module:
    """Build an mmpose top-down estimator in eval mode.

    The global mmengine default scope is left as it was (``init_model``
    would otherwise switch it to ``'mmpose'`` for the whole process).

    Args:
        config (str, optional): See :func:`resolve_pose_config`.
            Defaults to None (HRNet-w32, COCO, 256x192).
        checkpoint (str, optional): Weights, a path or a URL.
            Defaults to None.
        device (str): ``'cpu'``, ``'cuda'``, ``'cuda:1'``, ...
            Defaults to ``'cpu'``.
        random_weights (bool): Allow running without a checkpoint, with
            weights drawn from ``seed`` (for tests and benchmarks).
            Defaults to False.
        seed (int): Seed of the random weights. Defaults to 0.

    Returns:
        torch.nn.Module: The ``TopdownPoseEstimator`` with ``cfg`` and
        ``dataset_meta`` set.
    """
    from mmpose.apis import init_model
    check_checkpoint(checkpoint, random_weights)
    path = resolve_pose_config(config)
    rng_state = torch.random.get_rng_state()
    if random_weights:
        torch.manual_seed(seed)
    try:
        with DefaultScope.overwrite_default_scope('mmpose'):
            model = init_model(path, checkpoint or None, device=device)
    finally:
        torch.random.set_rng_state(rng_state)
    return model
