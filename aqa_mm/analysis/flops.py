"""Parameters and FLOPs of 2M-AF, per stream and in all (paper Table 10).

FLOPs are mmengine's ``FlopAnalyzer`` counts (one multiply-add = 1 FLOP, the
fvcore convention) for ONE video at the config's test-time input: every clip
of the RGB stream and the skeleton clip(s), as the model runs them.
Parameters are all parameters of each part (``numel``), including any that
the forward does not use (e.g. I3D's Kinetics logits kept by a config).
"""
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.analysis import FlopAnalyzer
from mmengine.config import Config

from aqa_mm.models.assessors.two_stream_assessor import RAW_KEYS

#: The paper's Table 10: name -> (params in M, GFLOPs).
PAPER_TABLE10 = {
    'CoRe': (14.80, 557.53),
    'SME-GCN': (3.72, 15.3),
    '2M-AF': (14.78, 168.21),
}
#: Our rows, with the paper entry printed beside each (None: no entry).
ROWS = (
    ('rgb', 'RGB stream (I3D)', 'CoRe'),
    ('skeleton', 'Skeleton stream (SME-GCN)', 'SME-GCN'),
    ('head', 'PFM head', None),
    ('total', '2M-AF total', '2M-AF'),
)
_NUM_JOINTS = dict(coco=17, nturgb_d=25, openpose=18)


def _transforms(pipeline: Sequence[dict]) -> List[dict]:
    """Flatten ``StreamPipeline`` wrappers of a pipeline config."""
    out = []
    for t in pipeline:
        if t.get('type') == 'StreamPipeline':
            out.extend(_transforms(t['transforms']))
        else:
            out.append(t)
    return out


def _find(transforms: Sequence[dict], name: str) -> Optional[dict]:
    return next((t for t in transforms if t.get('type') == name), None)


def default_shapes(cfg: Config) -> Dict[str, Tuple[int, ...]]:
    """The test-time input of one video, read from the config.

    Args:
        cfg (Config): A TwoStreamAssessor, SkeletonAssessor or RGBAssessor
            config with a test pipeline.

    Returns:
        dict[str, tuple]: ``rgb`` (clips, C, T, H, W) from ``DecordClips``
        and the crop (or ``Resize``), and/or ``skeleton`` (clips, M, T, V, C)
        from ``UniformSampleFrames``, ``FormatGCNInput`` and the backbone.
    """
    pipeline = (cfg.get('test_dataloader') or {}).get('dataset', {}).get(
        'pipeline') or cfg.get('test_pipeline') or []
    ts = _transforms(pipeline)
    model = cfg.model
    rgb_bb = model.get('rgb_backbone') or (
        model.get('backbone') if model.type == 'RGBAssessor' else None)
    sk_bb = model.get('skeleton_backbone') or (
        model.get('backbone') if model.type == 'SkeletonAssessor' else None)
    shapes = {}
    clips = _find(ts, 'DecordClips')
    if rgb_bb and clips:
        crop = _find(ts, 'CenterCrop') or _find(ts, 'ThreeCrop') or {}
        size = crop.get('crop_size')
        if size is None:
            resize = _find(ts, 'Resize') or {}
            size = tuple(resize.get('scale', (224, 224)))[::-1]
        h, w = (size, size) if isinstance(size, int) else tuple(size)
        shapes['rgb'] = (clips['num_clips'], rgb_bb.get('in_channels', 3),
                         clips['clip_len'], h, w)
    sample = _find(ts, 'UniformSampleFrames')
    if sk_bb and sample:
        gcn = _find(ts, 'FormatGCNInput') or {}
        layout = (sk_bb.get('graph_cfg') or {}).get('layout', 'coco')
        shapes['skeleton'] = (sample.get('num_clips', 1),
                              gcn.get('num_person', 2), sample['clip_len'],
                              _NUM_JOINTS.get(layout, 17),
                              sk_bb.get('in_channels', 3))
    if not shapes:
        raise ValueError(f'config {cfg.filename}: found no DecordClips / '
                         'UniformSampleFrames input in the test pipeline; '
                         'give the shapes explicitly')
    return shapes


def count_flops(module: nn.Module, inputs: Tuple[Any, ...]) -> int:
    """FLOPs of ``module(*inputs)`` (mmengine's FlopAnalyzer, no warnings).

    Args:
        module (nn.Module): Module in eval mode.
        inputs (tuple): Positional inputs.

    Returns:
        int: FLOPs (multiply-adds).
    """
    analyzer = FlopAnalyzer(module, inputs)
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    return int(analyzer.total())


def num_params(module: Optional[nn.Module]) -> int:
    """All parameters of ``module`` (0 for None)."""
    return 0 if module is None else sum(p.numel() for p in
                                        module.parameters())


class _StreamsForward(nn.Module):
    """``model(imgs, keypoint)`` → scores, for tracing the whole model."""

    def __init__(self, model: nn.Module, keys: Sequence[str]) -> None:
        super().__init__()
        self.model, self.keys = model, tuple(keys)

    def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
        return self.model(dict(zip(self.keys, tensors)), mode='tensor')


class _HeadForward(nn.Module):
    """``head(skeleton_feat, rgb_feat)`` for tracing a dict-input head."""

    def __init__(self, head: nn.Module, streams: Sequence[str]) -> None:
        super().__init__()
        self.head, self.streams = head, tuple(streams)

    def forward(self, *feats: torch.Tensor):
        out = self.head(dict(zip(self.streams, feats)))
        return tuple(out.values()) if isinstance(out, dict) else out


@torch.no_grad()
def model_complexity(model: nn.Module,
                     shapes: Dict[str, Tuple[int, ...]]
                     ) -> Dict[str, Dict[str, float]]:
    """Parameters and FLOPs of each part of an assessor for one video.

    Args:
        model (nn.Module): TwoStreamAssessor (rows ``rgb``, ``skeleton``,
            ``head``, ``total``), or a SkeletonAssessor / RGBAssessor (its
            stream, ``head``, ``total``).
        shapes (dict[str, tuple]): ``rgb`` (clips, C, T, H, W) and/or
            ``skeleton`` (clips, M, T, V, C), as from
            :func:`default_shapes`.

    Returns:
        dict[str, dict]: Row → ``params`` (int), ``flops`` (int),
        ``params_m`` and ``gflops`` (float), plus ``input`` (the shape).
    """
    model = model.eval()
    x = {s: torch.randn((1, ) + tuple(shape)) for s, shape in shapes.items()}
    rows: Dict[str, Dict[str, Any]] = {}

    def add(name, module, inputs, shape=None):
        flops = count_flops(module, inputs)
        rows[name] = dict(params=num_params(module), flops=flops,
                          params_m=num_params(module) / 1e6,
                          gflops=flops / 1e9, input=shape)

    if hasattr(model, '_backbones'):  # TwoStreamAssessor
        backbones = model._backbones()
        for s, bb in backbones.items():
            if s in x:
                add(s, bb, (x[s][0], ), list(shapes[s]))
        feats = model.extract_feat({RAW_KEYS[s]: v for s, v in x.items()})
        streams = tuple(model.head.input_channels)
        add('head', _HeadForward(model.head, streams),
            tuple(feats[s] for s in streams),
            [list(feats[s].shape) for s in streams])
        total = _StreamsForward(model, [RAW_KEYS[s] for s in shapes])
        add('total', total, tuple(x[s] for s in shapes),
            [[1] + list(shapes[s]) for s in shapes])
        rows['total']['params'] = num_params(model)
        rows['total']['params_m'] = num_params(model) / 1e6
        return rows
    (s, shape), = shapes.items()  # single-stream assessors
    add(s, model.backbone, (x[s][0], ), list(shape))
    feat = model.backbone(x[s][0])
    add('head', model.head, (feat, ), list(feat.shape))
    add('total', model, (x[s], ),
        [1] + list(shape))
    return rows


def _num(value: float) -> str:
    """Two decimals, or two significant digits below 0.01 (the head)."""
    return f'{value:.2f}' if value >= 0.01 or value == 0 else f'{value:.2g}'


def complexity_table(rows: Dict[str, Dict[str, float]],
                     paper: Optional[Dict[str, Tuple[float, float]]] = None
                     ) -> str:
    """Markdown table in the layout of the paper's Table 10.

    Args:
        rows (dict): From :func:`model_complexity`.
        paper (dict, optional): Name → (params M, GFLOPs). Defaults to
            :data:`PAPER_TABLE10`.

    Returns:
        str: The table, one row per part, the paper's entry beside it.
    """
    paper = PAPER_TABLE10 if paper is None else paper
    lines = ['| part | params (M) | GFLOPs | paper (Table 10) | '
             'paper params (M) | paper GFLOPs |',
             '|---|---|---|---|---|---|']
    for key, label, ref in ROWS:
        if key not in rows:
            continue
        r = rows[key]
        p = paper.get(ref) if ref else None
        ref_cells = (f'{ref} | {p[0]:.2f} | {p[1]:.2f}' if p else
                     '— | — | —')
        lines.append(f"| {label} | {_num(r['params_m'])} | "
                     f"{_num(r['gflops'])} | {ref_cells} |")
    return '\n'.join(lines)
