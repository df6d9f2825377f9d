"""README of a generated SYNTHETIC dataset folder."""
from typing import Dict, Tuple

from .actions import ACTIONS
from .performance import CLASS_NAMES
from .scoring import SCORE_SPECS


def score_ranges() -> Dict[int, Tuple[float, float]]:
    """Nominal score range of every class.

    Returns:
        Dict[int, Tuple[float, float]]: ``class_id -> (lo, hi)``.
    """
    return {i: SCORE_SPECS[n].score_range for i, n in enumerate(CLASS_NAMES)}


def readme_text(annotation: Dict, frames: int, img_size: int,
                with_video: bool) -> str:
    """README of the generated folder.

    Args:
        annotation (dict): The annotation dict (``split``, ``annotations``,
            ``metainfo``).
        frames (int): Frames per sample.
        img_size (int): Frame side in pixels.
        with_video (bool): Whether videos were written.

    Returns:
        str: Markdown text; the first line says the set is SYNTHETIC.
    """
    meta, split = annotation['metainfo'], annotation['split']
    test = set(split['test'])
    lines = [
        '# SYNTHETIC procedural AQA dataset (generated, not real recordings)',
        '',
        'Made by `tools/data/synthetic/generate_synthetic.py` '
        '(`aqa_mm.datasets.synthetic`). Each sample is an articulated 2D '
        'COCO-17 skeleton driven by keyframed joint angles of one action '
        'kind, with execution errors of known severity (jitter, timing, '
        'amplitude, balance, asymmetry, form) applied to the motion. The '
        'score is a simulated judging panel on the execution quality '
        '`1 - sum(w * severity)`, combined with the difficulty like the real '
        'sport. Keypoints carry simulated detector noise and confidences.',
        '',
        f'- seed: {meta["seed"]}',
        f'- frames per sample: {frames} at {meta["fps"]} fps, '
        f'{img_size}x{img_size} px'
        + ('' if with_video else ' (videos not written)'),
        f'- samples: {len(annotation["annotations"])} '
        f'(train {len(split["train"])}, test {len(split["test"])})',
        '- annotation file: `synthetic_aqa.pkl` (metainfo `synthetic=True`)',
        '',
        '| class_id | class | view | score range | difficulty | train '
        '| test |',
        '|---|---|---|---|---|---|---|',
    ]
    for cid, name in enumerate(meta['classes']):
        ids = [a['frame_dir'] for a in annotation['annotations']
               if a['class_id'] == cid]
        spec = SCORE_SPECS[name]
        lo, hi = meta['score_ranges'][cid]
        diff = (f'{spec.difficulty_mode} {list(spec.difficulty_levels)}'
                if spec.difficulty_mode else '-')
        view = 'frontal' if ACTIONS[name].lateral >= 0.99 else 'side'
        n_test = sum(i in test for i in ids)
        lines.append(f'| {cid} | {name} | {view} | {lo:g}-{hi:g} | {diff} | '
                     f'{len(ids) - n_test} | {n_test} |')
    return '\n'.join(lines) + '\n'
