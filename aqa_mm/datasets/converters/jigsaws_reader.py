"""Readers for JIGSAWS (Gao et al., "JHU-ISI Gesture and Skill Assessment
Working Set", MICCAI M2CAI workshop 2014) in its official layout::

    JIGSAWS/<Task>/kinematics/AllGestures/<Task>_<Subject><Trial>.txt
    JIGSAWS/<Task>/meta_file_<Task>.txt

A kinematics file has one line per frame (30 Hz) of 76 whitespace-separated
values: 19 per manipulator, in the order of :data:`MANIPULATORS`, each laid
out as :data:`CHANNELS`. A meta file has one tab-separated line per scored
trial: trial name, self-proclaimed skill (N/I/E), GRS total (6-30), then the
six GRS items (1-5) of :data:`GRS_ITEMS`.

The source is the extracted folder (any folder holding ``JIGSAWS/`` or the
task folders) or the ``.tar.xz``/``.tar.gz`` archive, read in place.
"""
import os
import re
import tarfile
from dataclasses import dataclass
from typing import Dict, Iterator, Sequence, Tuple

import numpy as np

from aqa_mm.utils.cli import DataError

TASKS = ('Knot_Tying', 'Needle_Passing', 'Suturing')
MANIPULATORS = ('master_left', 'master_right', 'patient_left',
                'patient_right')
CHANNELS = ('pos_x', 'pos_y', 'pos_z',
            'rot_00', 'rot_01', 'rot_02', 'rot_10', 'rot_11', 'rot_12',
            'rot_20', 'rot_21', 'rot_22',
            'vel_x', 'vel_y', 'vel_z', 'rot_vel_x', 'rot_vel_y', 'rot_vel_z',
            'gripper')
# channel slices of the 19 per manipulator
POSITION = slice(0, 3)
ROTATION = slice(3, 12)  # 3x3 rotation matrix, row-major
LINEAR_VELOCITY = slice(12, 15)
ROTATIONAL_VELOCITY = slice(15, 18)
GRIPPER = 18
FPS = 30
GRS_ITEMS = ('respect_for_tissue', 'suture_needle_handling',
             'time_and_motion', 'flow_of_operation', 'overall_performance',
             'quality_of_final_product')
SKILL_LEVELS = ('N', 'I', 'E')
TRIAL_RE = re.compile(r'(Knot_Tying|Needle_Passing|Suturing)_([A-Z])(\d{3})')
_KIN_RE = re.compile(r'(?:^|/)(Knot_Tying|Needle_Passing|Suturing)/kinematics/'
                     r'AllGestures/(\1_[A-Z]\d{3})\.txt$')
_META_RE = re.compile(r'(?:^|/)(Knot_Tying|Needle_Passing|Suturing)/'
                      r'meta_file_\1\.txt$')


@dataclass
class TrialMeta:
    """One scored trial of a meta file.

    Args:
        skill (str): Self-proclaimed skill level, ``'N'``, ``'I'`` or ``'E'``.
        grs (float): GRS total, 6-30 (the sum of the items).
        items (np.ndarray): The six GRS items of :data:`GRS_ITEMS`, each
            1-5, shape (6,) float32.
    """
    skill: str
    grs: float
    items: np.ndarray


def split_trial_name(name: str) -> Tuple[str, str, int]:
    """``'Suturing_B001'`` → ``('Suturing', 'B', 1)``.

    Args:
        name (str): Trial name ``<Task>_<Subject><Trial>``.

    Returns:
        tuple[str, str, int]: Task, subject letter and trial number.

    Raises:
        DataError: ``name`` is not a JIGSAWS trial name.
    """
    match = TRIAL_RE.fullmatch(name)
    if match is None:
        raise DataError(f'{name!r} is not a JIGSAWS trial name '
                        '(<Task>_<Subject><3 digits>)')
    return match.group(1), match.group(2), int(match.group(3))


def iter_source_files(source: str) -> Iterator[Tuple[str, bytes]]:
    """Yield ``(path, raw bytes)`` of every kinematics and meta file.

    Args:
        source (str): An extracted folder or a tar archive (read in place).

    Yields:
        tuple[str, bytes]: The path (``/``-separated, relative to ``source``
        for folders, the member name for archives) and the content; other
        files (videos, transcriptions) are passed over.
    """
    def wanted(path: str) -> bool:
        return bool(_KIN_RE.search(path) or _META_RE.search(path))

    if os.path.isdir(source):
        for root, dirs, files in os.walk(source):
            dirs.sort()
            for name in sorted(files):
                rel = os.path.relpath(os.path.join(root, name), source)
                rel = rel.replace(os.sep, '/')
                if wanted(rel):
                    with open(os.path.join(root, name), 'rb') as f:
                        yield rel, f.read()
        return
    if not os.path.isfile(source):
        raise FileNotFoundError(f'JIGSAWS source not found: {source}')
    try:
        with tarfile.open(source, 'r:*') as tar:
            for member in tar:
                if member.isfile() and wanted(member.name):
                    yield member.name, tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise DataError(f'{source}: not a readable tar archive ({exc})')


def parse_kinematics(path: str, raw: bytes) -> np.ndarray:
    """Decode one kinematics file.

    Args:
        path (str): Its path (named in errors).
        raw (bytes): Its content.

    Returns:
        np.ndarray: (T, 4, 19) float32, manipulators as :data:`MANIPULATORS`
        and channels as :data:`CHANNELS`.

    Raises:
        DataError: Non-numeric text, a value count that is not a multiple of
            76, no frame, or NaN/inf values.
    """
    width = len(MANIPULATORS) * len(CHANNELS)
    try:
        values = np.array(raw.split(), dtype=np.float64)
    except ValueError as exc:
        raise DataError(f'{path}: non-numeric value ({exc})') from exc
    if values.size == 0 or values.size % width:
        raise DataError(f'{path}: {values.size} values, expected a positive '
                        f'multiple of {width} (one line of {width} per frame)')
    if not np.isfinite(values).all():
        raise DataError(f'{path}: holds NaN/inf values')
    return values.reshape(-1, len(MANIPULATORS),
                          len(CHANNELS)).astype(np.float32)


def parse_meta(path: str, raw: bytes) -> Dict[str, TrialMeta]:
    """Decode one meta file.

    Args:
        path (str): Its path (named in errors).
        raw (bytes): Its content (tab-separated, blank lines ignored).

    Returns:
        dict[str, TrialMeta]: By trial name.

    Raises:
        DataError: Naming the file and line: a bad trial name, skill level,
            number of fields, out-of-range score, a GRS total that is not the
            sum of the items, or a trial listed twice.
    """
    out: Dict[str, TrialMeta] = {}
    for lineno, line in enumerate(raw.decode('utf-8', 'replace').splitlines(),
                                  1):
        fields = line.split()
        if not fields:
            continue
        where = f'{path}:{lineno}'
        if len(fields) != 9:
            raise DataError(f'{where}: {len(fields)} fields, expected 9 '
                            '(trial, skill, GRS, six items)')
        name, skill = fields[0], fields[1]
        split_trial_name(name)
        if skill not in SKILL_LEVELS:
            raise DataError(f'{where}: skill {skill!r} is not one of '
                            f'{SKILL_LEVELS}')
        try:
            grs, items = float(fields[2]), np.array(fields[3:], np.float32)
        except ValueError as exc:
            raise DataError(f'{where}: non-numeric score ({exc})') from exc
        if not 6 <= grs <= 30 or items.min() < 1 or items.max() > 5:
            raise DataError(f'{where}: GRS {grs:g} or items {items.tolist()} '
                            'outside 6-30 / 1-5')
        if abs(items.sum() - grs) > 1e-6:
            raise DataError(f'{where}: GRS {grs:g} is not the sum of the '
                            f'items {items.tolist()}')
        if name in out:
            raise DataError(f'{where}: {name} listed twice')
        out[name] = TrialMeta(skill=skill, grs=grs, items=items)
    return out


def read_jigsaws(source: str, tasks: Sequence[str] = TASKS
                 ) -> Tuple[Dict[str, np.ndarray], Dict[str, TrialMeta]]:
    """Read the kinematics and meta files of ``tasks``.

    Args:
        source (str): Extracted folder or tar archive.
        tasks (Sequence[str]): Tasks to read. Defaults to all three.

    Returns:
        tuple[dict, dict]: Kinematics ``(T, 4, 19)`` float32 by trial name,
        and :class:`TrialMeta` by trial name (scored trials), both sorted.

    Raises:
        DataError: An unknown task, a bad file (named), a trial found twice,
            or a task without its meta file or any kinematics.
    """
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown:
        raise DataError(f'unknown JIGSAWS task(s) {unknown}; known: {TASKS}')
    kinematics: Dict[str, np.ndarray] = {}
    meta: Dict[str, TrialMeta] = {}
    metas_seen = set()
    for path, raw in iter_source_files(source):
        kin = _KIN_RE.search(path)
        task = kin.group(1) if kin else _META_RE.search(path).group(1)
        if task not in tasks:
            continue
        if kin:
            if kin.group(2) in kinematics:
                raise DataError(f'{source}: {kin.group(2)} found twice')
            kinematics[kin.group(2)] = parse_kinematics(path, raw)
        else:
            if task in metas_seen:
                raise DataError(f'{source}: two meta files of {task}')
            metas_seen.add(task)
            for name, item in parse_meta(path, raw).items():
                if split_trial_name(name)[0] != task:
                    raise DataError(f'{path}: trial {name} is not a {task} '
                                    'trial')
                meta[name] = item
    for task in tasks:
        if task not in metas_seen:
            raise DataError(f'{source}: no {task}/meta_file_{task}.txt')
        if not any(split_trial_name(n)[0] == task for n in kinematics):
            raise DataError(f'{source}: no {task}/kinematics/AllGestures/'
                            '*.txt file')
    return (dict(sorted(kinematics.items())), dict(sorted(meta.items())))
