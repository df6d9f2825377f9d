"""The Fis-V study's picture: test Spearman per epoch, one panel per score.

Each head x schedule of the results JSON is drawn as its mean over seeds
with the seeds' range shaded, so a reader sees at once whether a run was
still rising when its schedule ended, and how far the last epoch (the
result) lies from the best test epoch (the selection GDLT's code makes).

A third party's run can be laid over a panel from its TensorBoard event file
(``--reference-log``), e.g. the full-schedule log of GDLT's official code
that the public fork ``WHR666777/CVPR22_GDLT`` @ 0f06f2b commits under
``logs/fisv_tes_paper/`` (scalar ``Test_coef``, one value per epoch, steps
0-319). Nothing of that log is stored in this repository; the path is
given on the command line.
"""
import os.path as osp
from typing import Dict, List, Optional, Tuple

import numpy as np

from aqa_mm.utils.io import atomic_open


def read_event_scalar(path: str, tag: str) -> Dict[int, float]:
    """One scalar of a TensorBoard event file (or of a folder of them).

    Args:
        path (str): An ``events.out.tfevents.*`` file or its folder.
        tag (str): The scalar's tag, e.g. ``'Test_coef'``.

    Returns:
        dict[int, float]: step → value, in step order.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        KeyError: The file has no scalar ``tag`` (the tags it has are
            named).
    """
    if not osp.exists(path):
        raise FileNotFoundError(f'{path}: no such TensorBoard event file')
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    acc = EventAccumulator(path)
    acc.Reload()
    tags = acc.Tags().get('scalars', [])
    if tag not in tags:
        raise KeyError(f'{path}: no scalar {tag!r} (it has {sorted(tags)})')
    return {int(e.step): float(e.value) for e in acc.Scalars(tag)}


def group_curves(results: Dict[str, dict]) -> Dict[Tuple[str, str, int],
                                                   dict]:
    """Per-epoch test Spearman of each head × score × schedule, over seeds.

    Args:
        results (dict[str, dict]): ``fisv.json``'s ``results`` (run key →
            result with ``head``, ``score``, ``epochs``, ``seed`` and
            ``curve``: epoch (str or int) → Spearman; a result without a
            curve is left out).

    Returns:
        dict: (head, score, epochs) → ``epoch`` (E,), ``mean``, ``low``,
        ``high`` (E,) over the seeds that have that epoch, and ``seeds``.
    """
    groups: Dict[Tuple[str, str, int], List[dict]] = {}
    for res in results.values():
        if res.get('curve'):
            groups.setdefault((res['head'], res['score'],
                               int(res['epochs'])), []).append(res)
    out = {}
    for key, runs in sorted(groups.items()):
        # JSON keys are strings, a fresh run's are ints
        per_run = [{int(e): v for e, v in r['curve'].items()} for r in runs]
        epochs = sorted({e for curve in per_run for e in curve})
        values = [[curve[e] for curve in per_run if e in curve]
                  for e in epochs]
        out[key] = dict(epoch=np.array(epochs),
                        mean=np.array([np.mean(v) for v in values]),
                        low=np.array([np.min(v) for v in values]),
                        high=np.array([np.max(v) for v in values]),
                        seeds=sorted(r['seed'] for r in runs))
    return out


HEAD_NAMES = {'meanfc': "2M-AF's RGB head (mean → FC)",
              'gdlt': 'GDLT head (ours)'}


def plot_curves(results: Dict[str, dict], path: str,
                reference: Optional[Dict[str, Tuple[str, Dict[int, float]]]]
                = None) -> bool:
    """Draw :func:`group_curves` (and reference runs) to a PNG, atomically.

    Args:
        results (dict[str, dict]): ``fisv.json``'s ``results``.
        path (str): Output ``.png``; written to a temporary file, then
            renamed.
        reference (dict, optional): score (``'tes'`` / ``'pcs'``) →
            (label, step → Spearman) of a third-party run; step 0 is drawn
            as epoch 1 (GDLT's code logs from step 0).

    Returns:
        bool: False when there is nothing to draw (no results, no
        reference).
    """
    curves = group_curves(results)
    reference = reference or {}
    if not curves and not reference:
        return False
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, score in zip(axes, ('tes', 'pcs')):
        for (head, s, epochs), c in curves.items():
            if s != score:
                continue
            label = (f'{HEAD_NAMES.get(head, head)}, {epochs} epochs, '
                     f'{len(c["seeds"])} seed(s)')
            line, = ax.plot(c['epoch'], c['mean'], lw=1.2, label=label)
            ax.fill_between(c['epoch'], c['low'], c['high'], alpha=.2,
                            color=line.get_color())
        if score in reference:
            label, steps = reference[score]
            x = np.array(sorted(steps)) + 1
            ax.plot(x, [steps[s] for s in sorted(steps)], 'k:', lw=1.2,
                    label=label)
        ax.set_title(f'Fis-V {score.upper()}: test Spearman per epoch',
                     fontsize=10)
        ax.set_xlabel('epoch')
        ax.grid(alpha=.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc='lower right')
    axes[0].set_ylabel("Spearman's ρ, 100 test programs")
    fig.tight_layout()
    with atomic_open(path, 'wb') as f:
        fig.savefig(f, format='png', dpi=110)
    plt.close(fig)
    return True
