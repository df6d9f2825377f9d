"""Top-down pose estimation of many person crops in one forward pass.

``mmpose.apis.inference_topdown`` runs the model once per image. Here the
crops of many frames go through mmpose's own test pipeline (so the affine
crop, the codec and the decoding are exactly mmpose's) and then through the
network as one batch. In ``fast`` mode two more things change, neither of
which changes the maths:

* the flip-test pass is concatenated to the plain pass (one forward of 2N
  crops instead of two of N),
* batch norms are folded into the preceding convolutions (mmcv's
  ``fuse_conv_bn``, as OpenMMLab's ``--fuse-conv-bn`` test option does), and
* the network runs in ``channels_last`` memory format (faster CPU kernels).

Results equal ``inference_topdown`` up to float rounding (tested). With
random weights the heatmaps are almost flat, so rounding alone can move an
argmax between near-equal maxima; with trained weights the peaks are clear.
"""
from typing import List, Sequence, Tuple

import numpy as np
import torch
from mmcv.cnn import fuse_conv_bn
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import DefaultScope


class BatchedTopdown:
    """Batched top-down keypoint estimation with an mmpose model.

    Args:
        model (torch.nn.Module): A ``TopdownPoseEstimator`` from
            :func:`aqa_mm.pose.pose_model.init_pose_model` (or
            ``mmpose.apis.init_model``). In ``fast`` mode it is changed in
            place (BN folded, ``channels_last``): use it for inference only.
        batch_size (int): Crops per forward pass (twice as many images go
            through the network with flip test). Defaults to 8.
        fast (bool): Merge the flip pass into the same forward, fold BN and
            use ``channels_last``. False runs ``model.test_step`` exactly as
            ``inference_topdown`` does, only batched. Defaults to True.
    """

    def __init__(self, model: torch.nn.Module, batch_size: int = 8,
                 fast: bool = True) -> None:
        if not all(hasattr(model, a) for a in
                   ('extract_feat', 'head', 'add_pred_to_datasample')):
            raise ValueError('BatchedTopdown needs an mmpose top-down '
                             f'estimator, got {type(model).__name__}')
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}')
        self.model = model.eval()
        self.batch_size = batch_size
        self.fast = fast
        scope = model.cfg.get('default_scope', 'mmpose')
        with DefaultScope.overwrite_default_scope(scope):
            self.pipeline = Compose(model.cfg.test_dataloader.dataset.pipeline)
        self.meta = dict(model.dataset_meta)
        self.num_keypoints = int(self.meta['num_keypoints'])
        if fast:
            fuse_conv_bn(self.model)
            self.model.to(memory_format=torch.channels_last)

    def reset(self) -> None:
        """Start of a new video: nothing to forget (every crop is
        estimated on its own)."""

    def __call__(self, frames: Sequence[np.ndarray],
                 boxes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Keypoints of one person box per frame.

        Args:
            frames (Sequence[np.ndarray]): N BGR images (H, W, 3); the same
                array may appear several times.
            boxes (np.ndarray): (N, 4) person boxes ``x1, y1, x2, y2`` in
                pixels, one per frame.

        Returns:
            tuple[np.ndarray, np.ndarray]: ``keypoints`` (N, V, 2) float32 in
            image pixels and ``scores`` (N, V) float32.
        """
        boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
        if len(frames) != len(boxes):
            raise ValueError(f'{len(frames)} frames but {len(boxes)} boxes')
        kpts = np.zeros((len(boxes), self.num_keypoints, 2), np.float32)
        scores = np.zeros((len(boxes), self.num_keypoints), np.float32)
        for start in range(0, len(boxes), self.batch_size):
            stop = min(start + self.batch_size, len(boxes))
            samples = self._predict(frames[start:stop], boxes[start:stop])
            for i, sample in enumerate(samples, start):
                kpts[i] = sample.pred_instances.keypoints[0]
                scores[i] = sample.pred_instances.keypoint_scores[0]
        return kpts, scores

    def _prepare(self, frames: Sequence[np.ndarray],
                 boxes: np.ndarray) -> dict:
        """mmpose's test pipeline on each crop, then one collated batch."""
        data = []
        for frame, box in zip(frames, boxes):
            info = dict(img=frame, bbox=box[None],  # (1, 4)
                        bbox_score=np.ones(1, dtype=np.float32))
            info.update(self.meta)
            data.append(self.pipeline(info))
        return pseudo_collate(data)

    @torch.no_grad()
    def _predict(self, frames: Sequence[np.ndarray],
                 boxes: np.ndarray) -> List:
        batch = self._prepare(frames, boxes)
        if not self.fast:
            return self.model.test_step(batch)
        data = self.model.data_preprocessor(batch, False)
        inputs, samples = data['inputs'], data['data_samples']  # [N, 3, h, w]
        test_cfg = self.model.test_cfg
        flip = test_cfg.get('flip_test', False)
        x = torch.cat([inputs, inputs.flip(-1)]) if flip else inputs
        feats = self.model.extract_feat(
            x.contiguous(memory_format=torch.channels_last))
        if flip:  # the split that TopdownPoseEstimator.predict gets in 2 runs
            n = inputs.shape[0]
            feats = [tuple(f[:n] for f in feats), tuple(f[n:] for f in feats)]
        preds = self.model.head.predict(feats, samples, test_cfg=test_cfg)
        if isinstance(preds, tuple):  # (instances, heatmap fields)
            preds = preds[0]
        return self.model.add_pred_to_datasample(preds, None, samples)
