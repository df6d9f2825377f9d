"""Optional person detection with mmdet.

mmdet needs mmcv's compiled ops, so it is not a hard dependency: without it
the extractor uses the detector-free fallback of
:class:`aqa_mm.pose.PoseSearch` (BlazePose). With it, a batch of
frames goes through ``mmdet.apis.inference_detector`` in one call and the
confident boxes of the person class are kept.
"""
from typing import List, Optional, Sequence

import numpy as np

from .bundled_config import find_config

# mmdet's bundled COCO detector config used when only a checkpoint is given
DEFAULT_DET_CONFIG = 'faster-rcnn_r50_fpn_1x_coco'


def mmdet_available() -> bool:
    """Whether mmdet (and so a person detector) can be imported."""
    try:
        import mmdet.apis  # noqa: F401
    except Exception:  # ImportError, or mmcv without compiled ops
        return False
    return True


def resolve_det_config(config: Optional[str]) -> str:
    """A detector config path from a path or a bundled config name.

    Args:
        config (str, optional): ``.py`` path, or the name of a config shipped
            with mmdet (e.g. ``'faster-rcnn_r50_fpn_1x_coco'``). None means
            :data:`DEFAULT_DET_CONFIG`.

    Returns:
        str: Path of the config file.

    Raises:
        FileNotFoundError: Neither a file nor a bundled config name.
    """
    return find_config(config or DEFAULT_DET_CONFIG, 'mmdet', 'detector',
                       FileNotFoundError)


class MMDetPersonDetector:
    """Batched person detection with an mmdet model.

    Args:
        model (torch.nn.Module): Detector from ``mmdet.apis.init_detector``.
        score_thr (float): Minimum detection score kept. Defaults to 0.5.
        person_label (int): Class index of "person" (0 for COCO detectors).
            Defaults to 0.
    """

    def __init__(self, model, score_thr: float = 0.5,
                 person_label: int = 0) -> None:
        self.model = model
        self.score_thr = score_thr
        self.person_label = person_label

    @classmethod
    def from_files(cls, config: Optional[str], checkpoint: str, device: str,
                   score_thr: float = 0.5) -> 'MMDetPersonDetector':
        """Build the detector from a config and checkpoint (path or URL).

        Args:
            config (str, optional): See :func:`resolve_det_config`.
            checkpoint (str): Weights, a path or a URL.
            device (str): ``'cpu'``, ``'cuda:0'``, ...
            score_thr (float): Minimum detection score. Defaults to 0.5.

        Returns:
            MMDetPersonDetector: The detector.
        """
        from mmdet.apis import init_detector
        from mmpose.utils import adapt_mmdet_pipeline
        model = init_detector(resolve_det_config(config), checkpoint,
                              device=device)
        # mmpose switches the default scope; name mmdet's transforms fully
        model.cfg = adapt_mmdet_pipeline(model.cfg)
        return cls(model, score_thr)

    def __call__(self, frames: Sequence[np.ndarray]) -> List[np.ndarray]:
        """Detect people in a batch of frames.

        Args:
            frames (Sequence[np.ndarray]): N BGR images (H, W, 3).

        Returns:
            list[np.ndarray]: N arrays (K_i, 5) float32 ``x1, y1, x2, y2,
            score`` of confident person boxes.
        """
        from mmdet.apis import inference_detector
        results = inference_detector(self.model, list(frames))
        out = []
        for sample in results:
            inst = sample.pred_instances.cpu().numpy()
            keep = (inst.labels == self.person_label) & \
                (inst.scores >= self.score_thr)
            out.append(np.concatenate(
                [inst.bboxes[keep], inst.scores[keep, None]],
                axis=1).astype(np.float32).reshape(-1, 5))
        return out
