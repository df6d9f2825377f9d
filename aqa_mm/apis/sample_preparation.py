"""Turn one sample (a video, a pose record, or both) into a model's input.

The config's test pipeline prepares it, so inference sees exactly the
test-time inputs (clips, crops, skeleton length) the model was evaluated
on. Used by :func:`aqa_mm.apis.inference_aqa`.
"""
import copy
import os
import os.path as osp
import pickle
from typing import Any, Dict, Tuple, Union

import numpy as np
import torch
from mmcv.transforms import Compose
from mmengine.config import Config

from aqa_mm.utils.cli import UserError

#: Score given to the pipeline for an unscored sample; no metric sees it.
DUMMY_SCORE = 0.0
#: Transforms that need the training annotation file, not the sample.
_TRAIN_ONLY = ('NormalizeScore', )

Sample = Union[str, os.PathLike, Dict[str, Any]]


def inference_pipeline(cfg: Config) -> list:
    """The config's test pipeline for one unscored sample.

    Args:
        cfg (Config): Model config with ``test_dataloader.dataset.pipeline``
            or ``test_pipeline``.

    Returns:
        list[dict]: Copies of the transform configs, without the
        transforms that need the training annotations (``NormalizeScore``).

    Raises:
        UserError: No test pipeline, or one that reads cached features.
    """
    loader = cfg.get('test_dataloader') or {}
    pipeline = (loader.get('dataset') or {}).get('pipeline') \
        or cfg.get('test_pipeline')
    if not pipeline:
        raise UserError(f'config {cfg.filename}: no test_dataloader.dataset.'
                        'pipeline nor test_pipeline to prepare the sample')
    names = [t.get('type') for t in pipeline if isinstance(t, dict)]
    if 'LoadAQAFeatures' in names:
        raise UserError(f'config {cfg.filename} reads cached features '
                        '(LoadAQAFeatures); use its end-to-end config (e.g. '
                        'configs/2maf/2maf_synthetic.py for '
                        '2maf_synthetic_cached.py) with the same checkpoint')
    return [copy.deepcopy(t) for t in pipeline
            if not (isinstance(t, dict) and t.get('type') in _TRAIN_ONLY)]


def model_streams(model: torch.nn.Module) -> Tuple[str, ...]:
    """Streams a model needs as input.

    Args:
        model (nn.Module): TwoStreamAssessor, SkeletonAssessor or
            RGBAssessor.

    Returns:
        tuple[str, ...]: ``'skeleton'`` and/or ``'rgb'``.
    """
    from aqa_mm.models.assessors import (RGBAssessor, SkeletonAssessor,
                                         TwoStreamAssessor)
    if isinstance(model, TwoStreamAssessor):
        streams = tuple(model.head.input_channels)
        missing = [s for s in streams if s not in model._backbones()]
        if missing:
            raise UserError(f'this TwoStreamAssessor has no {missing} '
                            'backbone (a cached-feature config); use the '
                            'end-to-end config to score raw videos')
        return streams
    if isinstance(model, SkeletonAssessor):
        return ('skeleton', )
    if isinstance(model, RGBAssessor):
        return ('rgb', )
    raise TypeError('inference_aqa supports TwoStreamAssessor, '
                    'SkeletonAssessor and RGBAssessor, got '
                    f'{type(model).__name__}')


def _read_pickle(path: str) -> dict:
    try:
        with open(path, 'rb') as f:
            data = pickle.load(f)
    except Exception as exc:
        raise UserError(f'{path}: cannot read the pose pickle '
                        f'({type(exc).__name__}: {exc})') from exc
    if isinstance(data, dict) and 'annotations' in data:
        annos = data['annotations']
        if len(annos) != 1:
            raise UserError(f'{path}: an annotation file with {len(annos)} '
                            'samples; pass one annotation dict')
        data = annos[0]
    if not isinstance(data, dict):
        raise UserError(f'{path}: expected a pose record (dict with '
                        f"'keypoint'), got {type(data).__name__}")
    return dict(data, source=path)


def _as_record(sample: Sample) -> dict:
    """Normalise the accepted sample forms into one dict."""
    if isinstance(sample, (str, os.PathLike)):
        path = os.fspath(sample)
        if not osp.exists(path):
            raise UserError(f'{path}: file not found')
        if path.endswith(('.pkl', '.pickle')):
            return _read_pickle(path)
        return dict(video=path, source=path)
    if not isinstance(sample, dict):
        raise TypeError('sample must be a video path, a pose pkl path or a '
                        f'dict, got {type(sample).__name__}')
    record = dict(sample)
    video = record.pop('filename', None) or record.get('video')
    if video is not None:
        record['video'] = os.fspath(video)
    record.setdefault('source', record.get('video')
                      or record.get('frame_dir') or '<sample dict>')
    return record


def _video_shape(path: str) -> Tuple[int, int]:
    from aqa_mm.pose.video_reader import VideoReader, VideoReadError
    try:
        reader = VideoReader(path, batch_size=1, max_frames=1)
        frame = next(iter(reader))[0]
        reader.close()
    except (VideoReadError, StopIteration) as exc:
        raise UserError(f'{path}: cannot read the video ({exc})') from exc
    return int(frame.shape[0]), int(frame.shape[1])


def _skeleton_fields(record: dict) -> dict:
    src = record['source']
    if record.get('keypoint') is None:
        raise UserError(f"{src}: no skeleton ('keypoint') but the model has "
                        'a skeleton stream; extract one with '
                        'tools/extract_pose.py (tools/demo.py does both)')
    # copies: the pipeline (PreNormalize2D, ...) works in place and must not
    # change the caller's arrays
    kp = np.array(record['keypoint'], dtype=np.float32)
    if kp.ndim != 4 or kp.shape[-1] != 2 or kp.shape[1] == 0:
        raise UserError(f"{src}: 'keypoint' must be (M, T, V, 2) with T > 0,"
                        f' got {kp.shape}')
    if not np.isfinite(kp).all():
        raise UserError(f"{src}: 'keypoint' has NaN/inf values")
    if record.get('keypoint_score') is None:
        raise UserError(f"{src}: no 'keypoint_score' (M, T, V) beside "
                        "'keypoint'")
    score = np.array(record['keypoint_score'], dtype=np.float32)
    if score.shape != kp.shape[:3]:
        raise UserError(f"{src}: 'keypoint_score' must be {kp.shape[:3]} "
                        f"to match 'keypoint' {kp.shape}, got {score.shape}")
    img_shape = record.get('img_shape')
    if img_shape is None:
        if not record.get('video'):
            raise UserError(f"{src}: no 'img_shape' (H, W): needed to "
                            'normalise the pixel keypoints (PreNormalize2D)')
        img_shape = _video_shape(record['video'])
    img_shape = tuple(int(s) for s in img_shape)
    return dict(keypoint=kp, keypoint_score=score, total_frames=kp.shape[1],
                img_shape=img_shape,
                original_shape=tuple(record.get('original_shape', img_shape)))


def prepare_sample(model: torch.nn.Module, sample: Sample) -> dict:
    """Run the model's test pipeline on one sample.

    Args:
        model (nn.Module): From :func:`init_aqa_model` (has ``cfg``).
        sample (str | PathLike | dict): See :func:`inference_aqa`.

    Returns:
        dict: The packed sample (``inputs``, ``data_samples``).
    """
    record = _as_record(sample)
    streams = model_streams(model)
    src = record['source']
    results = dict(frame_dir=str(record.get('frame_dir') or
                                 osp.splitext(osp.basename(src))[0]),
                   score=DUMMY_SCORE,
                   class_id=int(record.get('class_id') or 0),
                   modality='RGBPose', start_index=0)
    if 'skeleton' in streams:
        results.update(_skeleton_fields(record))
    if 'rgb' in streams:
        video = record.get('video')
        if not video:
            raise UserError(f'{src}: no video but the model has an RGB '
                            "stream; pass a video path or a dict with 'video'")
        if not osp.isfile(video):
            raise UserError(f'{video}: video not found')
        results['filename'] = video
    if not hasattr(model, 'cfg'):
        raise TypeError('model has no cfg: build it with init_aqa_model')
    pipeline = Compose(inference_pipeline(model.cfg))
    return pipeline(results)
