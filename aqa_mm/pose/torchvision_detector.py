"""Optional person detection with torchvision's COCO detectors.

An alternative to :class:`aqa_mm.pose.MMDetPersonDetector` that needs no
mmcv ops: torchvision's detection models (Faster R-CNN, RetinaNet, FCOS,
SSD, ...; :data:`DETECTION_MODELS`) built from their torchvision builder
and a state dict the user supplies. torchvision is not a hard dependency
and is imported only when a detector is built: it must be the build that
matches the installed torch (torchvision 0.28 for torch 2.13; PyPI's Linux
x86-64 wheel is a CUDA build whose compiled ops do not load beside torch's
CPU-only wheel, see :func:`torchvision_available`).

Weights: torchvision publishes COCO-trained weights for every model here;
:func:`published_weights_url` gives the address (a ``download.pytorch.org``
URL), which :meth:`TorchvisionPersonDetector.from_files` takes as it is or
as a downloaded file. They are loaded with ``weights_only=True``: a
checkpoint is a state dict of tensors, never an arbitrary pickle.
torchvision's code is BSD-3-Clause; the weights were trained on COCO 2017
(annotations CC BY 4.0, images under Flickr's terms), and torchvision
states that its pretrained models may carry terms derived from their
training data, which users check for their own use. The accuracy of these
detectors with real weights is NOT measured in this project (only
torchvision's own COCO val2017 box mAP exists); the tests use random
weights and check the contract only.

The contract is that of :class:`MMDetPersonDetector`: a batch of BGR frames
in, one ``(K, 5)`` float32 array ``x1, y1, x2, y2, score`` of confident
person boxes per frame out.
"""
import os.path as osp
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch

from aqa_mm.utils.cli import UserError

# torchvision's detection builders (torchvision.models.detection), all with
# published COCO weights. keypointrcnn_resnet50_fpn detects persons only.
DETECTION_MODELS = (
    'fasterrcnn_resnet50_fpn', 'fasterrcnn_resnet50_fpn_v2',
    'fasterrcnn_mobilenet_v3_large_fpn',
    'fasterrcnn_mobilenet_v3_large_320_fpn', 'retinanet_resnet50_fpn',
    'retinanet_resnet50_fpn_v2', 'fcos_resnet50_fpn', 'ssd300_vgg16',
    'ssdlite320_mobilenet_v3_large', 'maskrcnn_resnet50_fpn',
    'maskrcnn_resnet50_fpn_v2', 'keypointrcnn_resnet50_fpn')
# used when no model name is given: the best COCO box mAP of the plain
# detectors (46.7 on val2017, torchvision's figure)
DEFAULT_TV_DET_MODEL = 'fasterrcnn_resnet50_fpn_v2'
_URL_PREFIXES = ('http://', 'https://', 'file://')
# state-dict keys a checkpoint may lack: BatchNorm's step counter, unused in
# eval mode (published weights use FrozenBatchNorm2d, which has none)
_OPTIONAL_KEY_SUFFIX = 'num_batches_tracked'


def torchvision_available() -> bool:
    """Whether torchvision imports and its compiled ops (``nms``) load.

    A torchvision built for another torch (or a CUDA build beside torch's
    CPU wheel) raises ``RuntimeError: operator torchvision::nms does not
    exist`` on import, not ImportError; that counts as unavailable too.
    """
    try:
        _import_torchvision()
    except UserError:
        return False
    return True


def _import_torchvision():
    """Import torchvision, or a one-line :class:`UserError` saying why not."""
    try:
        import torchvision
        from torchvision.extension import _has_ops
    except Exception as exc:  # ImportError, or RuntimeError of a bad build
        first = (str(exc).strip().splitlines() or [''])[0]
        raise UserError(
            f'torchvision is not importable ({type(exc).__name__}: {first}); '
            f'install the torchvision build matching torch {torch.__version__}'
            ' (e.g. torchvision 0.28.0 for torch 2.13.0; for a CPU-only torch'
            ' from https://download.pytorch.org/whl/cpu)') from None
    if not _has_ops():
        raise UserError('torchvision imports but its compiled ops do not load'
                        f' (torchvision {torchvision.__version__}, torch '
                        f'{torch.__version__}): install the matching build')
    return torchvision


def _check_model_name(model_name: Optional[str]) -> str:
    """The model name, or a one-line error listing the known ones."""
    name = model_name or DEFAULT_TV_DET_MODEL
    if name not in DETECTION_MODELS:
        raise UserError(f'unknown torchvision detector {name!r}; known: '
                        + ', '.join(DETECTION_MODELS))
    return name


def person_label(model_name: Optional[str] = None) -> int:
    """Class index of "person" in a model's published COCO categories.

    Read from torchvision's weights metadata (no download): 1 for every
    model of :data:`DETECTION_MODELS` (``'__background__'`` is 0 in the
    91-entry COCO list, and in keypointrcnn's two-entry list).

    Args:
        model_name (str, optional): One of :data:`DETECTION_MODELS`.
            Defaults to :data:`DEFAULT_TV_DET_MODEL`.

    Returns:
        int: The label of person boxes in the model's output.
    """
    name = _check_model_name(model_name)
    tv = _import_torchvision()
    weights = tv.models.get_model_weights(name).DEFAULT
    return list(weights.meta['categories']).index('person')


def published_weights_url(model_name: Optional[str] = None) -> str:
    """Address of torchvision's published COCO weights (no download).

    Args:
        model_name (str, optional): One of :data:`DETECTION_MODELS`.
            Defaults to :data:`DEFAULT_TV_DET_MODEL`.

    Returns:
        str: A ``https://download.pytorch.org/models/...pth`` URL.
    """
    name = _check_model_name(model_name)
    tv = _import_torchvision()
    return tv.models.get_model_weights(name).DEFAULT.url


def build_detection_model(model_name: Optional[str] = None,
                          **builder_kwargs) -> torch.nn.Module:
    """A torchvision detector with random weights, nothing downloaded.

    Built with ``weights=None, weights_backbone=None``: its batch norms are
    ``nn.BatchNorm2d`` (torchvision uses ``FrozenBatchNorm2d`` when it
    loads published weights itself); in eval mode both compute the same.

    Args:
        model_name (str, optional): One of :data:`DETECTION_MODELS`.
            Defaults to :data:`DEFAULT_TV_DET_MODEL`.
        **builder_kwargs: Passed to torchvision's builder, e.g.
            ``min_size=320`` (R-CNN input size) or ``box_score_thresh``.

    Returns:
        torch.nn.Module: The model, in train mode, on the CPU.
    """
    name = _check_model_name(model_name)
    tv = _import_torchvision()
    builder = tv.models.get_model_builder(name)
    return builder(weights=None, weights_backbone=None, **builder_kwargs)


def load_detector_state_dict(checkpoint: str) -> Dict[str, torch.Tensor]:
    """Read a torchvision state dict, weights-only, from a path or URL.

    A dict holding the state dict under ``'model'`` or ``'state_dict'``
    (torchvision's reference training scripts) is unwrapped.

    Args:
        checkpoint (str): ``.pth`` path, or an ``http(s)://`` / ``file://``
            URL (downloaded once into torch's hub cache).

    Returns:
        dict[str, torch.Tensor]: The state dict, on the CPU.

    Raises:
        UserError: Missing or unreadable file, failed download, or a file
            that is not a state dict of tensors (one line naming it).
    """
    try:
        if checkpoint.startswith(_URL_PREFIXES):
            state = torch.hub.load_state_dict_from_url(
                checkpoint, map_location='cpu', progress=False,
                weights_only=True)
        else:
            if not osp.isfile(checkpoint):
                raise UserError(
                    f'detector checkpoint not found: {checkpoint}')
            state = torch.load(checkpoint, map_location='cpu',
                               weights_only=True)
    except UserError:
        raise
    except Exception as exc:  # OSError, URLError, UnpicklingError, ...
        first = (str(exc).strip().splitlines() or [''])[0]
        raise UserError(f'cannot read detector checkpoint {checkpoint}: '
                        f'{type(exc).__name__}: {first}') from None
    for key in ('model', 'state_dict'):
        if isinstance(state, dict) and isinstance(state.get(key), dict):
            state = state[key]
    if not isinstance(state, dict) or not state or not all(
            isinstance(v, torch.Tensor) for v in state.values()):
        raise UserError(f'detector checkpoint {checkpoint} is not a state '
                        'dict of tensors')
    return state


def _few(keys: Sequence[str], n: int = 3) -> str:
    """``'a, b, c (+4 more)'``."""
    keys = sorted(keys)
    more = f' (+{len(keys) - n} more)' if len(keys) > n else ''
    return ', '.join(keys[:n]) + more


def check_state_dict(model: torch.nn.Module, state: Dict[str, Any],
                     checkpoint: str, model_name: str) -> None:
    """Refuse a state dict that does not fit the model, in one line.

    Args:
        model (torch.nn.Module): The detector.
        state (dict): Its candidate state dict.
        checkpoint (str): Path or URL, for the message.
        model_name (str): Model name, for the message.

    Raises:
        UserError: Missing keys (BatchNorm's ``num_batches_tracked``
            excepted), unexpected keys or different shapes.
    """
    own = model.state_dict()
    missing = [k for k in own if k not in state
               and not k.endswith(_OPTIONAL_KEY_SUFFIX)]
    unexpected = [k for k in state if k not in own]
    shapes = [f'{k} {tuple(state[k].shape)} vs {tuple(own[k].shape)}'
              for k in own if k in state and state[k].shape != own[k].shape]
    problems = []
    if missing:
        problems.append(f'{len(missing)} missing keys: {_few(missing)}')
    if unexpected:
        problems.append(
            f'{len(unexpected)} unexpected keys: {_few(unexpected)}')
    if shapes:
        problems.append(f'{len(shapes)} shape mismatches: {_few(shapes)}')
    if problems:
        raise UserError(f'detector checkpoint {checkpoint} does not fit '
                        f'{model_name}: ' + '; '.join(problems))


class TorchvisionPersonDetector:
    """Batched person detection with a torchvision detection model.

    Args:
        model (torch.nn.Module): A torchvision detector (e.g. from
            :func:`build_detection_model`); it is put in eval mode. Called
            with a list of (3, H, W) RGB float tensors in [0, 1], it returns
            one dict per image with ``'boxes'`` (K, 4) ``x1, y1, x2, y2`` in
            input pixels, ``'scores'`` (K,) and ``'labels'`` (K,).
        score_thr (float): Minimum detection score kept. Defaults to 0.5.
        person_label (int): Class index of "person" (1 for torchvision's
            COCO detectors, see :func:`person_label`). Defaults to 1.
        device (str, optional): Device of the input tensors. Defaults to
            the device of the model's first parameter (CPU if it has none).
    """

    def __init__(self, model, score_thr: float = 0.5, person_label: int = 1,
                 device: Optional[str] = None) -> None:
        self.model = model.eval()
        self.score_thr = score_thr
        self.person_label = person_label
        if device is None:
            param = next(iter(model.parameters()), None)
            device = param.device if param is not None else 'cpu'
        self.device = torch.device(device)

    @classmethod
    def from_files(cls, model_name: Optional[str], checkpoint: str,
                   device: str, score_thr: float = 0.5,
                   **builder_kwargs) -> 'TorchvisionPersonDetector':
        """Build the detector from a model name and a state dict.

        Args:
            model_name (str, optional): One of :data:`DETECTION_MODELS`.
                None means :data:`DEFAULT_TV_DET_MODEL`.
            checkpoint (str): torchvision state dict, a path or a URL (see
                :func:`published_weights_url`), read weights-only.
            device (str): ``'cpu'``, ``'cuda:0'``, ...
            score_thr (float): Minimum detection score. Defaults to 0.5.
            **builder_kwargs: Passed to torchvision's builder (see
                :func:`build_detection_model`).

        Returns:
            TorchvisionPersonDetector: The detector.

        Raises:
            UserError: Unknown model name, torchvision not importable, or a
                checkpoint that is missing, unreadable or does not fit the
                model (one line naming the file).
        """
        name = _check_model_name(model_name)
        _import_torchvision()
        state = load_detector_state_dict(checkpoint)
        model = build_detection_model(name, **builder_kwargs)
        check_state_dict(model, state, checkpoint, name)
        model.load_state_dict(state, strict=False)  # checked just above
        return cls(model.to(device), score_thr, person_label(name), device)

    @classmethod
    def with_random_weights(cls, model_name: Optional[str] = None,
                            device: str = 'cpu', score_thr: float = 0.5,
                            seed: int = 0, **builder_kwargs
                            ) -> 'TorchvisionPersonDetector':
        """A detector with random weights drawn from ``seed`` (for tests and
        benchmarks: its boxes are meaningless). The global torch RNG state
        is left as it was.

        Args:
            model_name (str, optional): One of :data:`DETECTION_MODELS`.
                Defaults to :data:`DEFAULT_TV_DET_MODEL`.
            device (str): ``'cpu'``, ``'cuda:0'``, ... Defaults to ``'cpu'``.
            score_thr (float): Minimum detection score. Defaults to 0.5.
            seed (int): Seed of the weights. Defaults to 0.
            **builder_kwargs: See :func:`build_detection_model`.

        Returns:
            TorchvisionPersonDetector: The detector.
        """
        name = _check_model_name(model_name)
        rng_state = torch.random.get_rng_state()
        torch.manual_seed(seed)
        try:
            model = build_detection_model(name, **builder_kwargs)
        finally:
            torch.random.set_rng_state(rng_state)
        return cls(model.to(device), score_thr, person_label(name), device)

    def __call__(self, frames: Sequence[np.ndarray]) -> List[np.ndarray]:
        """Detect people in a batch of frames (one forward, no gradients).

        Args:
            frames (Sequence[np.ndarray]): N BGR images (H, W, 3) uint8;
                sizes may differ.

        Returns:
            list[np.ndarray]: N arrays (K_i, 5) float32 ``x1, y1, x2, y2,
            score`` of confident person boxes, inside the frame.
        """
        if len(frames) == 0:
            return []
        images = [torch.from_numpy(np.ascontiguousarray(frame))
                  .to(self.device).flip(-1).permute(2, 0, 1).float() / 255
                  for frame in frames]  # (3, H, W) RGB in [0, 1]
        with torch.no_grad():
            results = self.model(images)
        out = []
        for frame, res in zip(frames, results):
            boxes = res['boxes'].detach().float().cpu().numpy()
            scores = res['scores'].detach().float().cpu().numpy()
            labels = res['labels'].detach().cpu().numpy()
            keep = (labels == self.person_label) & (scores >= self.score_thr)
            h, w = frame.shape[:2]
            boxes = boxes[keep].reshape(-1, 4)
            boxes[:, 0::2] = boxes[:, 0::2].clip(0, w)
            boxes[:, 1::2] = boxes[:, 1::2].clip(0, h)
            det = np.concatenate([boxes, scores[keep, None]], axis=1)
            out.append(det.astype(np.float32).reshape(-1, 5))
        return out
