"""What the PFM selector of 2M-AF does, per class (paper §4.5).

From a two-stream dump, for each class and for all samples pooled:

- how often each stream is used (``pred_stream``: 0 = skeleton, 1 = RGB,
  2 = concatenation, shown only when it occurs);
- the selector's accuracy against the preference label: 0 (skeleton) when
  |ŝ_skeleton − y| <= |ŝ_RGB − y|, else 1 (ties go to the skeleton). The
  selector's own choice ``pred_stream_selector`` is scored when the dump
  has it (a fallback may have overridden it in ``pred_stream``);
- Spearman's ρ of each stream, of the fused score (``pred_aqa_score``) and of
  the oracle, which takes the better stream's score for every sample;
- the gain of the fused ρ over each single stream.

With several classes a "Fisher-z Ave" row averages the per-class ρ as the
paper's AQA-7 "Ave" does.
"""
import json
import math
from typing import Dict, Optional, Sequence

import numpy as np

from aqa_mm.evaluation.functional import fisher_z_average, spearman
from .dump_reader import (CONCAT, RGB, SKELETON, TWO_STREAM_KEYS,
                          class_labels, column, require_keys)

RHO_KEYS = ('rho_skeleton', 'rho_rgb', 'rho_fused', 'rho_oracle')


def preference_labels(skeleton: np.ndarray, rgb: np.ndarray,
                      gt: np.ndarray) -> np.ndarray:
    """The better stream of each sample: 0 skeleton, 1 RGB (ties → 0).

    Args:
        skeleton (np.ndarray): Skeleton-stream scores, shape (N,).
        rgb (np.ndarray): RGB-stream scores, shape (N,).
        gt (np.ndarray): Ground truth, shape (N,).

    Returns:
        np.ndarray: int64 labels, shape (N,).
    """
    return (np.abs(skeleton - gt) > np.abs(rgb - gt)).astype(np.int64)


def group_stats(skeleton: np.ndarray, rgb: np.ndarray, fused: np.ndarray,
                chosen: np.ndarray, prob_rgb: np.ndarray, gt: np.ndarray,
                selector: Optional[np.ndarray] = None) -> Dict[str, float]:
    """Selector and correlation statistics of one group of samples.

    Args:
        skeleton (np.ndarray): Skeleton scores, shape (N,).
        rgb (np.ndarray): RGB scores, shape (N,).
        fused (np.ndarray): Final scores, shape (N,).
        chosen (np.ndarray): Stream used (0/1/2), shape (N,).
        prob_rgb (np.ndarray): Selector probability of RGB, shape (N,).
        gt (np.ndarray): Ground truth, shape (N,).
        selector (np.ndarray, optional): The selector's own choice (0/1),
            shape (N,), scored instead of ``chosen``. Defaults to None.

    Returns:
        dict[str, float]: ``n``, ``select_skeleton``, ``select_rgb``,
        ``select_concat``,
        ``prefer_rgb`` (share of samples RGB is better on),
        ``selector_acc``, ``mean_prob_rgb``, ``rho_skeleton``, ``rho_rgb``,
        ``rho_fused``, ``rho_oracle``, ``gain_vs_skeleton``,
        ``gain_vs_rgb`` (ρ NaN for fewer than 2 samples).
    """
    pref = preference_labels(skeleton, rgb, gt)                # [N]
    oracle = np.where(pref == RGB, rgb, skeleton)              # [N]
    stats = dict(
        n=int(len(gt)),
        select_skeleton=float(np.mean(chosen == SKELETON)),
        select_rgb=float(np.mean(chosen == RGB)),
        select_concat=float(np.mean(chosen == CONCAT)),
        prefer_rgb=float(np.mean(pref == RGB)),
        selector_acc=float(np.mean(
            (chosen if selector is None else selector) == pref)),
        mean_prob_rgb=float(np.mean(prob_rgb)),
        rho_skeleton=spearman(skeleton, gt),
        rho_rgb=spearman(rgb, gt),
        rho_fused=spearman(fused, gt),
        rho_oracle=spearman(oracle, gt))
    stats['gain_vs_skeleton'] = stats['rho_fused'] - stats['rho_skeleton']
    stats['gain_vs_rgb'] = stats['rho_fused'] - stats['rho_rgb']
    return stats


def pfm_report(records: Sequence[dict], path: str = 'dump') -> dict:
    """Per-class and overall selector statistics of a two-stream dump.

    Args:
        records (Sequence[dict]): Dump records with the two-stream keys.
        path (str): File named in errors. Defaults to ``'dump'``.

    Returns:
        dict: ``per_class`` {class name: stats}, ``overall`` (stats over all
        samples pooled) and, with several classes, ``fisher_z`` (the
        Fisher-z average of each per-class ρ and of the gains).

    Raises:
        DataError: The dump is single-stream (names the missing key).
    """
    require_keys(records, TWO_STREAM_KEYS, path,
                 ' (pfm_report needs a two-stream 2M-AF dump; this looks '
                 'like a single-stream model)')
    cols = {k: column(records, k) for k in (
        'pred_score_skeleton', 'pred_score_rgb', 'pred_aqa_score',
        'pred_stream', 'pred_prob_rgb', 'gt_score')}
    chosen = cols['pred_stream'].astype(np.int64)
    bad = sorted(set(chosen.tolist()) - {SKELETON, RGB, CONCAT})
    if bad:
        raise ValueError(f'{path}: pred_stream must be 0 (skeleton), 1 (RGB) '
                         f'or 2 (concat), found {bad}')
    selector = None
    if all('pred_stream_selector' in r for r in records):
        selector = column(records, 'pred_stream_selector').astype(np.int64)

    def stats(sel: np.ndarray) -> Dict[str, float]:
        return group_stats(cols['pred_score_skeleton'][sel],
                           cols['pred_score_rgb'][sel],
                           cols['pred_aqa_score'][sel], chosen[sel],
                           cols['pred_prob_rgb'][sel], cols['gt_score'][sel],
                           None if selector is None else selector[sel])

    labels = np.array(class_labels(records))
    ids = {}
    for r, name in zip(records, labels):
        ids.setdefault(name, r.get('class_id'))
    order = sorted(ids, key=lambda c: (ids[c] is None, ids[c] or 0, c))
    per_class = {c: stats(labels == c) for c in order}
    report = dict(per_class=per_class, overall=stats(np.ones(len(labels),
                                                             bool)))
    if len(per_class) > 1:
        fz = {k: fisher_z_average([s[k] for s in per_class.values()])
              for k in RHO_KEYS}
        fz['gain_vs_skeleton'] = fz['rho_fused'] - fz['rho_skeleton']
        fz['gain_vs_rgb'] = fz['rho_fused'] - fz['rho_rgb']
        report['fisher_z'] = fz
    report['selector_key'] = ('pred_stream' if selector is None
                              else 'pred_stream_selector')
    return report


def _num(value: float, pct: bool = False, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return '–'
    if pct:
        return f'{100 * value:.1f} %'
    return f'{value:+.4f}' if signed else f'{value:.4f}'


COLUMNS = (  # (header, key, pct, signed)
    ('n', 'n', False, False),
    ('sel. skeleton', 'select_skeleton', True, False),
    ('sel. RGB', 'select_rgb', True, False),
    ('sel. concat', 'select_concat', True, False),
    ('RGB better', 'prefer_rgb', True, False),
    ('selector acc.', 'selector_acc', True, False),
    ('ρ skeleton', 'rho_skeleton', False, False),
    ('ρ RGB', 'rho_rgb', False, False),
    ('ρ fused', 'rho_fused', False, False),
    ('ρ oracle', 'rho_oracle', False, False),
    ('gain vs skeleton', 'gain_vs_skeleton', False, True),
    ('gain vs RGB', 'gain_vs_rgb', False, True),
)


def format_markdown(report: dict, title: str = 'PFM selector report') -> str:
    """The report as a markdown table, one row per class.

    Args:
        report (dict): Output of :func:`pfm_report`.
        title (str): Heading. Defaults to ``'PFM selector report'``.

    Returns:
        str: Markdown text.
    """
    stats_all = [report['overall'], *report['per_class'].values()]
    columns = [c for c in COLUMNS if c[1] != 'select_concat' or any(
        s.get('select_concat', 0) > 0 for s in stats_all)]
    head = ['class'] + [c[0] for c in columns]
    lines = [f'## {title}', '', '| ' + ' | '.join(head) + ' |',
             '|' + '---|' * len(head)]

    def row(name: str, stats: dict) -> str:
        cells = [name]
        for _, key, pct, signed in columns:
            if key not in stats:
                cells.append('')
            elif key == 'n':
                cells.append(str(stats['n']))
            else:
                cells.append(_num(stats[key], pct, signed))
        return '| ' + ' | '.join(cells) + ' |'

    for name, stats in report['per_class'].items():
        lines.append(row(name, stats))
    lines.append(row('**all (pooled)**', report['overall']))
    if 'fisher_z' in report:
        lines.append(row('**Fisher-z Ave**', report['fisher_z']))
    lines += ['', 'Selection rates are the share of samples whose final '
              'score came from each stream (pred_stream); "RGB better" is '
              'the share whose preference label is RGB (|ŝ_RGB − y| < '
              '|ŝ_skeleton − y|, ties go to the skeleton); selector acc. '
              f'compares {report.get("selector_key", "pred_stream")} with '
              'that label. The oracle takes the better stream of every '
              'sample. Gains are ρ fused − ρ of the stream.']
    return '\n'.join(lines) + '\n'


def format_json(report: dict) -> str:
    """The report as JSON (NaN written as null).

    Args:
        report (dict): Output of :func:`pfm_report`.

    Returns:
        str: Indented JSON text.
    """
    def clean(node):
        if isinstance(node, dict):
            return {k: clean(v) for k, v in node.items()}
        if isinstance(node, float) and math.isnan(node):
            return None
        return node
    return json.dumps(clean(report), indent=2, ensure_ascii=False) + '\n'

