"""Built-in SYNTHETIC procedural action-quality dataset.

Articulated COCO-17 stick figures perform a few action kinds with execution
errors of known severity; a simulated judging panel scores them. Nothing
here is real data: every file it writes is flagged ``synthetic=True``.

Modules: :mod:`.kinematics` (skeleton, forward kinematics), :mod:`.interp`
(keyframes), :mod:`.actions` (action kinds), :mod:`.errors` (execution
errors), :mod:`.scoring` (judge scores), :mod:`.camera` (framing and
simulated detector), :mod:`.render` (mp4 renderings), :mod:`.performance`
(one sample) and :mod:`.builder` (the whole set on disk).
"""
from .builder import (ANNOTATION_FILE, build_dataset, load_annotation,
                      stratified_split)
from .errors import ERROR_NAMES
from .performance import CLASS_NAMES, Performance, generate_performance
from .scoring import SCORE_SPECS, judge_score

__all__ = ['ANNOTATION_FILE', 'CLASS_NAMES', 'ERROR_NAMES', 'SCORE_SPECS',
           'Performance', 'build_dataset', 'generate_performance',
           'judge_score', 'load_annotation', 'stratified_split']
