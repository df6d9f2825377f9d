"""Shared steps of the dataset converters (``tools/data/<dataset>/``).

A converter plans one :class:`PlannedSample` per annotated sample (id, split,
score, class, expected video and skeleton); :func:`convert` then checks that
every sample's video and skeleton are there, reports what is missing by name
with a total count (stopping, or skipping with ``skip_missing=True``),
reports scores outside their class's range, and writes the
:class:`~aqa_mm.datasets.AQADataset` annotation file atomically (temporary
file, then rename).
"""
import os
import os.path as osp
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from aqa_mm.utils.cli import DataError, UserError
from aqa_mm.utils.io import atomic_pickle_dump
from .readers import check_pose, load_pose_file, skeleton_fields

ScoreRange = Tuple[float, float]
MAX_LISTED = 20  # names listed in a one-line error


@dataclass
class PlannedSample:
    """One annotated sample before its media are checked.

    Args:
        sample_id (str): Unique id, stored as ``frame_dir``.
        split (str): ``'train'`` or ``'test'``.
        score (float): Training target.
        class_id (int): 0-based class.
        class_name (str): Class name.
        difficulty (float, optional): Degree of difficulty. Defaults to None.
        video (str, optional): Video path relative to the video root.
            Defaults to None (no video).
        pose_file (str, optional): Pose pkl to read. Defaults to None.
        pose (dict, optional): Pose dict given inline instead of a file
            (``keypoint`` (M, T, V, 2), ...). Defaults to None.
    """
    sample_id: str
    split: str
    score: float
    class_id: int
    class_name: str
    difficulty: Optional[float] = None
    video: Optional[str] = None
    pose_file: Optional[str] = None
    pose: Optional[dict] = None


@dataclass
class ConversionReport:
    """What a conversion wrote, skipped and flagged.

    Args:
        out_file (str): The annotation file.
        counts (dict[str, int]): Samples written per split.
        skipped (list[str]): ``'<id>: <reason>'`` per skipped sample.
        out_of_range (list[str]): ``'<id>: <reason>'`` per score outside
            its class's range (kept).
        notes (list[str]): Other remarks.
    """
    out_file: str
    counts: Dict[str, int]
    skipped: List[str] = field(default_factory=list)
    out_of_range: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)

    def lines(self) -> List[str]:
        """Human-readable summary, one item per line."""
        counts = ', '.join(f'{k} {v}' for k, v in self.counts.items())
        out = [f'wrote {self.out_file} ({counts})']
        if self.skipped:
            out.append(f'skipped {len(self.skipped)} sample(s) with a '
                       'missing or unreadable video/skeleton:')
            out += [f'  {s}' for s in self.skipped]
        if self.out_of_range:
            out.append(f'{len(self.out_of_range)} score(s) outside their '
                       "class's range (kept):")
            out += [f'  {s}' for s in self.out_of_range]
        return out + [f'note: {n}' for n in self.notes]


def parse_score_ranges(items: Optional[Sequence[str]],
                       known: Optional[Sequence[str]] = None
                       ) -> Dict[str, ScoreRange]:
    """Parse ``--score-range NAME=LO,HI`` arguments.

    Args:
        items (Sequence[str], optional): e.g. ``['diving=0,120']``.
        known (Sequence[str], optional): Valid class names; None accepts
            any name. Defaults to None.

    Returns:
        dict[str, tuple[float, float]]: class name → (lo, hi).
    """
    ranges = {}
    for item in items or ():
        name, _, values = item.partition('=')
        try:
            lo, hi = (float(v) for v in values.split(','))
        except ValueError:
            lo = hi = float('nan')
        if not lo < hi:
            raise UserError(f'--score-range {item!r}: expected NAME=LO,HI '
                            'with LO < HI')
        if known is not None and name not in known:
            raise UserError(f'--score-range {item!r}: unknown class '
                            f'{name!r}; classes: {list(known)}')
        ranges[name] = (lo, hi)
    return ranges


def out_of_range(samples: Sequence[PlannedSample],
                 ranges: Mapping[str, ScoreRange]) -> List[str]:
    """Samples whose score lies outside their class's range.

    Args:
        samples (Sequence[PlannedSample]): Samples to check.
        ranges (Mapping[str, tuple[float, float]]): class name → (lo, hi);
            classes without an entry are not checked.

    Returns:
        list[str]: ``'<id>: score S outside <class> range [lo, hi]'``.
    """
    bad = []
    for s in samples:
        lo, hi = ranges.get(s.class_name, (-np.inf, np.inf))
        if not lo <= s.score <= hi:
            bad.append(f'{s.sample_id}: score {s.score:g} outside '
                       f'{s.class_name} range [{lo:g}, {hi:g}]')
    return bad


def _media_problem(sample: PlannedSample, video_root: Optional[str],
                   num_keypoints: int) -> Tuple[Optional[str], Optional[dict]]:
    """(problem, pose) of one sample; the pose is loaded when present."""
    if video_root is not None and sample.video is not None:
        path = osp.join(video_root, sample.video)
        if not osp.exists(path):
            return f'video {path} not found', None
    if sample.pose is not None:
        problem = check_pose(sample.pose, num_keypoints)
        return (f'skeleton {problem}' if problem else None), sample.pose
    if sample.pose_file is None:
        return 'no skeleton given', None
    if not osp.isfile(sample.pose_file):
        return f'skeleton {sample.pose_file} not found', None
    try:
        return None, load_pose_file(sample.pose_file, num_keypoints)
    except DataError as exc:
        return f'skeleton {exc}', None


def build_annotation(
        samples: Sequence[PlannedSample], video_root: Optional[str],
        skip_missing: bool, metainfo: dict,
        score_ranges: Mapping[str, ScoreRange],
        num_keypoints: int = 17) -> Tuple[dict, List[str], List[str]]:
    """Check every sample's media and assemble the annotation dict.

    Args:
        samples (Sequence[PlannedSample]): All annotated samples.
        video_root (str, optional): Folder that ``video`` paths are relative
            to; None skips the video check.
        skip_missing (bool): Leave out samples with a missing or unreadable
            video/skeleton instead of stopping.
        metainfo (dict): Stored as the annotation's ``metainfo``.
        score_ranges (Mapping[str, tuple[float, float]]): Class name →
            (lo, hi) to report out-of-range scores against.
        num_keypoints (int): Expected V. Defaults to 17.

    Returns:
        tuple: (annotation dict, skipped ``'<id>: <reason>'`` list,
        out-of-range ``'<id>: <reason>'`` list).

    Raises:
        DataError: When samples are missing and ``skip_missing`` is False,
            listing them by name with the total count.
    """
    dup = sorted(k for k, n in Counter(s.sample_id for s in samples).items()
                 if n > 1)
    if dup:
        raise DataError(f'duplicate sample ids: {dup[:MAX_LISTED]}')
    problems, records, splits = [], [], {}
    for s in samples:
        problem, pose = _media_problem(s, video_root, num_keypoints)
        if problem:
            problems.append(f'{s.sample_id}: {problem}')
            continue
        records.append(dict(
            frame_dir=s.sample_id, **skeleton_fields(pose),
            score=float(s.score), class_id=int(s.class_id),
            class_name=s.class_name,
            difficulty=None if s.difficulty is None else float(s.difficulty),
            video=s.video))
        splits.setdefault(s.split, []).append(s.sample_id)
    if problems and not skip_missing:
        more = len(problems) - MAX_LISTED
        raise DataError(
            f'{len(problems)} of {len(samples)} annotated samples have a '
            f'missing or unreadable video/skeleton: '
            f'{"; ".join(problems[:MAX_LISTED])}'
            f'{f" (and {more} more)" if more > 0 else ""}. Fix the paths, '
            'or pass --skip-missing to leave them out')
    kept = {r['frame_dir'] for r in records}
    flagged = out_of_range([s for s in samples if s.sample_id in kept],
                           score_ranges)
    return (dict(split=splits, annotations=records, metainfo=metainfo),
            problems, flagged)


def convert(samples: Sequence[PlannedSample], out_file: str,
            video_root: Optional[str], skip_missing: bool, metainfo: dict,
            score_ranges: Mapping[str, ScoreRange],
            notes: Sequence[str] = ()) -> ConversionReport:
    """Check, assemble and atomically write an annotation file.

    Args:
        samples (Sequence[PlannedSample]): All annotated samples.
        out_file (str): Destination ``.pkl``.
        video_root (str, optional): See :func:`build_annotation`.
        skip_missing (bool): See :func:`build_annotation`.
        metainfo (dict): Stored as the annotation's ``metainfo``.
        score_ranges (Mapping[str, tuple[float, float]]): Ranges that
            scores are checked against.
        notes (Sequence[str]): Remarks for the report. Defaults to ().

    Returns:
        ConversionReport: What was written, skipped and flagged.
    """
    out_file = os.fspath(out_file)
    if not out_file.endswith(('.pkl', '.pickle')):
        raise UserError(f'output must be a .pkl file, got {out_file}')
    annotation, skipped, flagged = build_annotation(
        samples, video_root, skip_missing, metainfo, score_ranges)
    if not annotation['annotations']:
        raise DataError('no sample left to write (every sample is missing '
                        'its video or skeleton)')
    atomic_pickle_dump(annotation, out_file)
    counts = {k: len(v) for k, v in annotation['split'].items()}
    return ConversionReport(out_file=out_file, counts=counts,
                            skipped=skipped, out_of_range=flagged,
                            notes=list(notes))



def convert_single_class(samples: Sequence[PlannedSample], out_file: str,
                         video_root: Optional[str], skip_missing: bool,
                         dataset_name: str, class_name: str, label: str,
                         score_range: ScoreRange,
                         notes: Sequence[str] = ()) -> ConversionReport:
    """:func:`convert` for a one-class data set (class id 0, COCO layout).

    Args:
        samples, out_file, video_root, skip_missing: As for :func:`convert`.
        dataset_name (str): Stored as ``metainfo['dataset_name']``.
        class_name (str): The one class.
        label (str): What ``score`` is, stored as
            ``metainfo['score_label']``.
        score_range (tuple[float, float]): Nominal range, stored and
            checked against.
        notes (Sequence[str]): As for :func:`convert`. Defaults to ().

    Returns:
        ConversionReport: The report of :func:`convert`.
    """
    metainfo = dict(dataset_name=dataset_name, classes=[class_name],
                    keypoint_layout='coco', score_label=label,
                    nominal_score_ranges={0: score_range})
    return convert(samples, out_file, video_root, skip_missing, metainfo,
                   {class_name: score_range}, notes)
