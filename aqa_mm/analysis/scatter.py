"""Prediction-versus-ground-truth scatter plots (paper Fig. 2).

One panel per stream present in a dump (skeleton, RGB, fused; a single-
stream dump has one), with the perfect-prediction line y = x, Spearman's ρ
in the panel title and the points coloured by class. Several dumps give one
row each.
"""
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import numpy as np

from aqa_mm.evaluation.functional import spearman
from aqa_mm.utils.io import atomic_open
from .dump_reader import class_labels, column, streams_present


def panel_specs(records: Sequence[dict]) -> List[Tuple[str, str]]:
    """(record key, panel name) of each panel for one dump.

    Args:
        records (Sequence[dict]): Dump records.

    Returns:
        list[tuple[str, str]]: Skeleton, RGB and fused panels of a
        two-stream dump; ``[('pred_aqa_score', 'prediction')]`` otherwise.
    """
    streams = streams_present(records)
    if len(streams) == 1:
        return [(streams[0][0], 'prediction')]
    return streams


def plot_scatter(dumps: Sequence[Sequence[dict]], out_file: str,
                 row_names: Optional[Sequence[str]] = None,
                 score_note: str = '', dpi: int = 120) -> List[dict]:
    """Draw the scatter grid and save it atomically as a PNG.

    Args:
        dumps (Sequence[Sequence[dict]]): One list of dump records per row.
        out_file (str): Destination ``.png``.
        row_names (Sequence[str], optional): A name per row (e.g. the dump
            file). Defaults to None (no row names).
        score_note (str): Appended to the axis labels, e.g.
            ``' (normalised)'``. Defaults to ``''``.
        dpi (int): Resolution. Defaults to 120.

    Returns:
        list[dict]: One dict per panel: ``row``, ``stream``, ``rho``, ``n``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    if not dumps:
        raise ValueError('plot_scatter needs at least one dump')
    if row_names is not None and len(row_names) != len(dumps):
        raise ValueError(f'{len(row_names)} row names for {len(dumps)} dumps')
    specs = [panel_specs(records) for records in dumps]
    ncols = max(len(s) for s in specs)
    classes = sorted({c for records in dumps for c in class_labels(records)})
    cmap = plt.get_cmap('tab10' if len(classes) <= 10 else 'tab20')
    colour = {c: cmap(i % cmap.N) for i, c in enumerate(classes)}
    legend_w = 1.6  # inches on the right for the class legend
    width = 4.2 * ncols + legend_w
    fig, axes = plt.subplots(len(dumps), ncols, squeeze=False,
                             figsize=(width, 4.0 * len(dumps)))
    summary = []
    for row, (records, panels) in enumerate(zip(dumps, specs)):
        gt = column(records, 'gt_score')                       # [N]
        labels = np.array(class_labels(records))               # [N]
        for col in range(ncols):
            ax = axes[row][col]
            if col >= len(panels):
                ax.axis('off')
                continue
            key, name = panels[col]
            pred = column(records, key)                        # [N]
            rho = spearman(pred, gt)
            for cls in classes:
                sel = labels == cls
                if sel.any():
                    ax.scatter(gt[sel], pred[sel], s=14, alpha=0.8,
                               color=colour[cls], label=cls)
            lo = float(min(gt.min(), pred.min()))
            hi = float(max(gt.max(), pred.max()))
            pad = 0.03 * (hi - lo or 1.0)
            ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], 'k--', lw=1,
                    label='y = x')
            ax.set_xlim(lo - pad, hi + pad)
            ax.set_ylim(lo - pad, hi + pad)
            ax.set_aspect('equal', adjustable='box')
            title = f'{name}: ρ = {rho:.3f} (n = {len(gt)})'
            if row_names is not None:
                title = f'{row_names[row]}\n{title}'
            ax.set_title(title, fontsize=9)
            ax.set_xlabel(f'ground-truth score{score_note}')
            ax.set_ylabel(f'predicted score{score_note}')
            ax.grid(alpha=0.3)
            summary.append(dict(row=row, stream=name, rho=rho, n=len(gt)))
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], ls='', marker='o', color=colour[c])
               for c in classes] + [Line2D([], [], ls='--', color='k')]
    names = list(classes) + ['y = x']  # every class of every row
    fig.legend(handles, names, loc='center right', fontsize=8,
               frameon=False, title='class')
    fig.tight_layout(rect=(0, 0, 1 - legend_w / width, 1))
    ext = osp.splitext(out_file)[1].lstrip('.').lower() or 'png'
    with atomic_open(out_file, 'wb') as f:
        fig.savefig(f, format=ext, dpi=dpi)
    plt.close(fig)
    return summary
