"""NW-UCLA skeletons (CTR-GCN's ``all_sqe`` JSON release) → an mmaction2
skeleton annotation pkl for ``PoseDataset``.

Each input file ``aXX_sYY_eZZ_vWW.json`` holds ``{"file_name", "skeletons":
T×20×3 (Kinect v1 3D joints), "label": 1..10}``. The output follows
mmaction2's NTU pkl format::

    dict(split=dict(xview_train=[names], xview_val=[names]),
         annotations=[dict(frame_dir, label, total_frames,
                           keypoint=(1, T, 20, 3) float32)])

Cross-view protocol (Wang et al., CVPR 2014): train on views 1 and 2, test
on view 3. Sequences with T = 1 (a few exist) are kept: ``UniformSampleFrames``
repeats the single frame, as CTR-GCN's loader does for short clips.
"""
import json
import os
import re
import tarfile
from typing import Dict, Iterator, List, Sequence, Tuple

import numpy as np

from aqa_mm.utils.cli import DataError
from aqa_mm.utils.io import atomic_pickle_dump

NUM_JOINTS = 20
# action ids present in NW-UCLA; JSON label k (1..10) is ACTIONS[k - 1]
ACTIONS = (1, 2, 3, 4, 5, 6, 8, 9, 11, 12)
TRAIN_VIEWS = (1, 2)
TEST_VIEWS = (3, )
NAME_RE = re.compile(r'a(\d{2})_s(\d{2})_e(\d{2})_v(\d{2})\.json')


def iter_json_files(source: str) -> Iterator[Tuple[str, bytes]]:
    """Yield ``(file name, raw bytes)`` of every sample JSON in ``source``.

    Args:
        source (str): A ``.tar.gz`` / ``.tar`` archive (read in place) or a
            folder (searched recursively).

    Yields:
        tuple[str, bytes]: Base name such as ``a01_s01_e01_v01.json`` and
        the file content, in sorted name order for folders and archive
        order for archives.
    """
    if os.path.isdir(source):
        for root, _, files in sorted(os.walk(source)):
            for name in sorted(files):
                if NAME_RE.fullmatch(name):
                    with open(os.path.join(root, name), 'rb') as f:
                        yield name, f.read()
        return
    if not os.path.isfile(source):
        raise FileNotFoundError(f'NW-UCLA source not found: {source}')
    try:
        with tarfile.open(source, 'r:*') as tar:
            for member in tar:
                name = os.path.basename(member.name)
                if member.isfile() and NAME_RE.fullmatch(name):
                    yield name, tar.extractfile(member).read()
    except tarfile.TarError as exc:
        raise DataError(f'{source}: not a readable tar archive ({exc})')


def parse_sample(name: str, raw: bytes) -> dict:
    """Decode and check one sample file.

    Args:
        name (str): File name ``aXX_sYY_eZZ_vWW.json`` (used in errors).
        raw (bytes): JSON content.

    Returns:
        dict: ``frame_dir`` (name without ``.json``), ``label`` (0-based
        int), ``total_frames`` (T), ``keypoint`` ((1, T, 20, 3) float32)
        and ``view`` (int, not part of the annotation).

    Raises:
        DataError: Corrupt JSON, missing keys, bad shape, non-finite values,
            or a label that contradicts the action id of the name.
    """
    match = NAME_RE.fullmatch(name)
    if match is None:
        raise DataError(f'{name}: name is not aXX_sYY_eZZ_vWW.json')
    action, view = int(match.group(1)), int(match.group(4))
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f'{name}: corrupt JSON ({exc})')
    if not isinstance(data, dict):
        raise DataError(f'{name}: expected a JSON object, got '
                        f'{type(data).__name__}')
    missing = [k for k in ('skeletons', 'label') if k not in data]
    if missing:
        raise DataError(f'{name}: missing key(s) {missing}')
    try:
        skel = np.asarray(data['skeletons'], dtype=np.float32)  # [T, V, 3]
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}: 'skeletons' is not a T×20×3 array ({exc})")
    if skel.ndim != 3 or skel.shape[0] < 1 or skel.shape[1:] != (NUM_JOINTS,
                                                                 3):
        raise DataError(f"{name}: 'skeletons' has shape {skel.shape}, "
                        f'expected (T>=1, {NUM_JOINTS}, 3)')
    if not np.isfinite(skel).all():
        raise DataError(f"{name}: 'skeletons' holds NaN/inf values")
    label = data['label']
    if isinstance(label, bool) or not isinstance(label, int) or \
            not 1 <= label <= len(ACTIONS):
        raise DataError(f"{name}: 'label' must be an int in 1..{len(ACTIONS)},"
                        f' got {label!r}')
    if ACTIONS[label - 1] != action:
        raise DataError(f'{name}: label {label} means action '
                        f'a{ACTIONS[label - 1]:02d}, not a{action:02d}')
    return dict(frame_dir=name[:-len('.json')], label=label - 1,
                total_frames=int(skel.shape[0]), keypoint=skel[None],
                view=view)


def convert_nw_ucla(source: str, out_file: str,
                    train_views: Sequence[int] = TRAIN_VIEWS,
                    test_views: Sequence[int] = TEST_VIEWS) -> Dict:
    """Convert NW-UCLA to an mmaction2 pkl with the cross-view split.

    Args:
        source (str): The ``.tar.gz`` archive or an extracted folder.
        out_file (str): Destination ``.pkl``, written atomically.
        train_views (Sequence[int]): Views of ``xview_train``.
            Defaults to (1, 2).
        test_views (Sequence[int]): Views of ``xview_val``. Defaults to (3,).

    Returns:
        dict: Report with ``num_samples``, ``num_train``, ``num_test``,
        ``num_single_frame`` (T = 1 sequences, kept) and ``max_frames``.

    Raises:
        DataError: A bad file (named), no sample found, duplicate names, or
            overlapping view sets.
    """
    if set(train_views) & set(test_views):
        raise DataError(f'train views {tuple(train_views)} and test views '
                        f'{tuple(test_views)} overlap')
    annotations: List[dict] = []
    split: Dict[str, List[str]] = dict(xview_train=[], xview_val=[])
    seen = set()
    for name, raw in iter_json_files(source):
        sample = parse_sample(name, raw)
        if sample['frame_dir'] in seen:
            raise DataError(f'{source}: {name} appears twice')
        seen.add(sample['frame_dir'])
        view = sample.pop('view')
        if view in train_views:
            split['xview_train'].append(sample['frame_dir'])
        elif view in test_views:
            split['xview_val'].append(sample['frame_dir'])
        annotations.append(sample)
    if not annotations:
        raise DataError(f'{source}: no aXX_sYY_eZZ_vWW.json file found')
    annotations.sort(key=lambda a: a['frame_dir'])
    for names in split.values():
        names.sort()
    atomic_pickle_dump(dict(split=split, annotations=annotations), out_file)
    frames = [a['total_frames'] for a in annotations]
    return dict(num_samples=len(annotations),
                num_train=len(split['xview_train']),
                num_test=len(split['xview_val']),
                num_single_frame=sum(t == 1 for t in frames),
                max_frames=max(frames))
