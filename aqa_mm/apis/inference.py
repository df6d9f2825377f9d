"""Score one performance with a trained model: ``init_aqa_model`` +
``inference_aqa``, in the style of mmaction2's ``init_recognizer`` /
``inference_recognizer``.

Works for :class:`TwoStreamAssessor` (2M-AF, end-to-end configs),
:class:`SkeletonAssessor` and :class:`RGBAssessor`. The config's test
pipeline prepares the sample, so inference sees exactly the test-time inputs
(clips, crops, skeleton length) the model was evaluated on.
"""
import copy
import os
import warnings
from typing import Any, Dict, Optional, Sequence, Tuple, Union

import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from aqa_mm.datasets.score_normalization import denormalize_scores
from aqa_mm.models.utils.backbone_weights import (BACKBONE_ATTRS,
                                                  read_state_dict)
from aqa_mm.utils.cli import UserError, load_config, merge_cfg_options
from aqa_mm.utils.setup_env import register_all_modules
from .sample_preparation import (Sample, inference_pipeline, model_streams,
                                 prepare_sample)

__all__ = ['STREAM_NAMES', 'format_result', 'inference_aqa',
           'init_aqa_model', 'model_streams', 'prepare_sample',
           'score_normalization']

#: Name of each value of ``pred_stream`` (PFMHead: 0 skeleton, 1 RGB,
#: 2 concat).
STREAM_NAMES = ('skeleton', 'rgb', 'concat')


def _find_transform(node: Any, name: str) -> Optional[dict]:
    """First transform config of type ``name`` anywhere inside ``node``."""
    if isinstance(node, dict):
        if node.get('type') == name:
            return node
        children = node.values()
    elif isinstance(node, (list, tuple)):
        children = node
    else:
        return None
    for child in children:
        found = _find_transform(child, name)
        if found is not None:
            return found
    return None


def score_normalization(cfg: Config) -> Optional[Tuple[Dict[int, Tuple[
        float, float]], Tuple[float, float]]]:
    """Per-class score ranges a config trains on, to map predictions back.

    Configs that pool classes (AQA-7 "All", UNLV-Dive, MMFS-63) put
    ``NormalizeScore`` in the training pipeline: the model then predicts in
    the common range (e.g. [0, 100]), and each class's training (min, max)
    maps a prediction back to judges' scores.

    Args:
        cfg (Config): A training config.

    Returns:
        tuple | None: ``(ranges, target_range)``, ``ranges`` being class id
        -> (lo, hi); None when the config does not normalise scores.

    Raises:
        UserError: The training annotation file the ranges come from is
            missing or unreadable (named).
    """
    step = _find_transform(cfg.get('train_dataloader'), 'NormalizeScore')
    if step is None:
        return None
    from aqa_mm.datasets.transforms import NormalizeScore
    args = {k: v for k, v in step.items() if k != 'type'}
    try:
        transform = NormalizeScore(**args)
    except (OSError, ValueError) as exc:
        raise UserError(
            f'config {cfg.filename} normalises scores per class with the '
            f'training ranges of {args.get("ann_file")!r}; reading them to '
            f'map predictions back to judges\' scores failed: {exc}. Point '
            'the NormalizeScore ann_file at the training annotation file, or '
            'give its ranges={class_id: (lo, hi)} through cfg_options') \
            from exc
    return transform.ranges, transform.target_range


def _backbone_prefixes(model: torch.nn.Module) -> Tuple[str, ...]:
    """State-dict prefixes of the backbones (filled by their ``init_cfg``)."""
    return tuple(f'{n}.' for n in BACKBONE_ATTRS
                 if getattr(model, n, None) is not None)


def _load_weights(model: torch.nn.Module, state: Dict[str, Any],
                  checkpoint: str) -> None:
    """Load ``state``, refusing keys that do not fit the model.

    A checkpoint of a cached-feature config holds only the head: its
    backbones then keep what ``init_weights`` loaded from their
    ``init_cfg`` (the stream checkpoints), with a warning.
    """
    own = model.state_dict()
    unexpected = [k for k in state if k not in own]
    shapes = [f'{k} {tuple(state[k].shape)} vs {tuple(own[k].shape)}'
              for k in own if k in state and hasattr(state[k], 'shape')
              and tuple(state[k].shape) != tuple(own[k].shape)]
    missing = [k for k in own if k not in state]
    from_init = _backbone_prefixes(model)
    not_backbone = [k for k in missing if not k.startswith(from_init)]
    bad_missing = [k for k in not_backbone
                   if not k.startswith('feature_norm.')]
    if unexpected or shapes or bad_missing:
        raise UserError(
            f'checkpoint {checkpoint} does not fit {type(model).__name__} '
            f'(a checkpoint of another model or config?): missing '
            f'{bad_missing[:5]}, unexpected {unexpected[:5]}, shape '
            f'mismatches {shapes[:5]}')
    model.load_state_dict(state, strict=False)
    from_backbones = sorted({k.split('.')[0] for k in missing
                             if k.startswith(from_init)})
    if from_backbones:
        warnings.warn(f'checkpoint {checkpoint} has no weights for '
                      f'{from_backbones}: they come from their init_cfg '
                      '(stream checkpoints in the config; random where '
                      'init_cfg is None)')
    if len(not_backbone) > len(bad_missing):
        warnings.warn(f'checkpoint {checkpoint} has no feature_norm '
                      'statistics: the features are not standardised')


def init_aqa_model(config: Union[str, Config],
                   checkpoint: Optional[str] = None,
                   device: str = 'cpu',
                   cfg_options: Optional[Dict[str, Any]] = None,
                   seed: int = 0) -> torch.nn.Module:
    """Build an assessor from a config and load its checkpoint.

    Backbones that ``checkpoint`` holds are loaded from it (their
    ``init_cfg`` is dropped, so its files need not exist); the others get
    their ``init_cfg`` weights (e.g. the finetuned SME-GCN of
    ``configs/2maf/2maf_synthetic.py``). A head-only checkpoint of a
    cached-feature config therefore works with its end-to-end config. Keys
    that do not fit (another model) raise :class:`UserError`.

    Args:
        config (str | Config): Config path or loaded config.
        checkpoint (str, optional): Checkpoint path (mmengine format or a
            plain state dict). Defaults to None: the weights of ``init_cfg``
            and random ones elsewhere (tests, benchmarks), with a warning.
        device (str): ``'cpu'``, ``'cuda'``, ``'cuda:1'``, ...
            Defaults to ``'cpu'``.
        cfg_options (dict, optional): Overrides, as ``--cfg-options``
            (every key must exist). Defaults to None.
        seed (int): Seed of randomly initialised weights, so repeated calls
            build the same model. Defaults to 0.

    Returns:
        torch.nn.Module: The model in eval mode on ``device``, with the
        config as ``model.cfg`` (its test pipeline prepares samples).
    """
    register_all_modules()
    from aqa_mm.registry import MODELS
    cfg = load_config(config) if isinstance(config, (str, os.PathLike)) \
        else copy.deepcopy(config)
    if not isinstance(cfg, Config):
        raise TypeError(f'config must be a path or a Config, got '
                        f'{type(config).__name__}')
    merge_cfg_options(cfg, cfg_options)
    # fail now on a cached-feature or pipeline-less config
    inference_pipeline(cfg)
    state = read_state_dict(checkpoint) if checkpoint else {}
    for name in BACKBONE_ATTRS:
        # a backbone the checkpoint holds does not need its init_cfg file
        if cfg.model.get(name) and any(k.startswith(f'{name}.')
                                       for k in state):
            cfg.model[name]['init_cfg'] = None
    rng = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        model = MODELS.build(cfg.model)
        model.init_weights()
    finally:
        torch.random.set_rng_state(rng)
    if checkpoint:
        _load_weights(model, state, checkpoint)
    else:
        warnings.warn(f'init_aqa_model: no checkpoint for {cfg.filename}; '
                      'the head (and any backbone without init_cfg) has '
                      'random weights')
    model.cfg = cfg
    return model.to(torch.device(device)).eval()


@torch.no_grad()
def inference_aqa(model: torch.nn.Module, sample: Sample,
                  class_id: Optional[int] = None) -> Dict[str, Any]:
    """Score one performance.

    Args:
        model (nn.Module): From :func:`init_aqa_model`.
        sample (str | PathLike | dict): One of

            * a video path (RGB-only models);
            * a pose pickle path or a dict with ``keypoint`` (M, T, V, 2)
              pixel coordinates, ``keypoint_score`` (M, T, V) and
              ``img_shape`` (H, W) (read from the video when missing), as
              written by ``tools/extract_pose.py``;
            * both: such a dict with ``video`` (a path) as well.
        class_id (int, optional): The action class (AQA-7: 0 diving, ...),
            for a model trained with per-class score normalisation
            (:func:`score_normalization`): its training range maps the
            prediction back to judges' scores. Defaults to the sample
            dict's ``class_id``; without either, scores stay normalised.

    Returns:
        dict: ``score`` (float, final; judges' scale, or the normalised
        range when the class is unknown, see ``score_scale``),
        ``score_scale`` (``'judges'`` or ``'normalized [lo, hi]'``),
        ``normalized_score`` (float, only for normalising configs),
        ``stream_scores``
        (dict: ``skeleton`` / ``rgb`` / ``concat`` → float; the model's
        own stream for single-stream models, empty for simple fusion),
        ``stream`` (str | None: the stream whose score was used:
        ``'skeleton'``, ``'rgb'``, ``'concat'``, or ``'fused'`` for
        simple fusion) and ``prob_rgb`` (float | None: PFM's probability
        of RGB).
    """
    data = prepare_sample(model, sample)
    pred = model.test_step(pseudo_collate([data]))[0]
    streams = model_streams(model)
    stream_scores = {name: float(pred.get(f'pred_score_{name}'))
                     for name in STREAM_NAMES
                     if f'pred_score_{name}' in pred}
    if 'pred_stream' in pred:
        stream = STREAM_NAMES[int(pred.pred_stream)]
    elif len(streams) == 1:
        stream = streams[0]
    else:
        stream = 'fused'
    score = float(pred.pred_aqa_score)
    if not stream_scores and stream != 'fused':
        stream_scores = {stream: score}
    prob = pred.get('pred_prob_rgb')
    result = dict(score=score, stream_scores=stream_scores, stream=stream,
                  prob_rgb=None if prob is None else float(prob),
                  score_scale='judges')
    norm = score_normalization(model.cfg) if hasattr(model, 'cfg') else None
    if norm is None:
        return result
    ranges, target = norm
    if class_id is None and isinstance(sample, dict):
        class_id = sample.get('class_id')
    result['normalized_score'] = score
    if class_id is None:
        result['score_scale'] = f'normalized [{target[0]:g}, {target[1]:g}]'
        return result
    if int(class_id) not in ranges:
        raise UserError(f'class_id {class_id} has no training score range '
                        f'in the config (classes: {sorted(ranges)})')

    def back(value: float) -> float:
        return float(denormalize_scores([value], [int(class_id)], ranges,
                                        target)[0])
    result.update(score=back(score), stream_scores={
        k: back(v) for k, v in stream_scores.items()})
    return result


def format_result(result: Dict[str, Any],
                  order: Sequence[str] = STREAM_NAMES) -> str:
    """One line for a result of :func:`inference_aqa`.

    Args:
        result (dict): From :func:`inference_aqa`.
        order (Sequence[str]): Order of the stream scores. Defaults to
            skeleton, rgb, concat.

    Returns:
        str: e.g. ``'score 71.20 (stream: skeleton; skeleton 71.20, rgb
        40.10; p(rgb) 0.21)'``.
    """
    parts = ', '.join(f'{s} {result["stream_scores"][s]:.2f}' for s in order
                      if s in result['stream_scores'])
    prob = result.get('prob_rgb')
    tail = f'; p(rgb) {prob:.2f}' if prob is not None else ''
    scale = result.get('score_scale', 'judges')
    if scale != 'judges':
        tail += f'; {scale}, pass the class to get judges\' scores'
    return (f'score {result["score"]:.2f} (stream: {result["stream"]}'
            f'{"; " + parts if parts else ""}{tail})')
