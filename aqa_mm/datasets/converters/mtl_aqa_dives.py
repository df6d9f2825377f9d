"""The MTL-AQA dive list: one ``.csv`` row per dive for
``tools/extract_pose.py`` (format in :mod:`aqa_mm.pose.video_list`).

Source layouts (``layout``), relative to the folder given as ``source_root``:

``video``
    Whole-event recordings ``<vv>.mp4`` (the release's ``whole_videos/``);
    each row is the dive's frame range of its video.
``frames``
    The release's ``frame_extractor.sh`` output, one folder of ffmpeg
    frames per recording, ``<vv>/%06d.jpg`` (CoRe reads the same layout);
    each row is the dive's range of that folder's images.
``dive_frames``
    MUSDL's per-dive folders ``<vv>_<dd>/*.jpg``, already trimmed; each row
    is a whole folder.

Rows carry the converter's sample id (``<vv>_<dd>``), so the pose files are
``<out-dir>/<vv>_<dd>.pkl``, what :func:`~.mtl_aqa.convert_mtl_aqa` reads.
Ranges are 0-based decoded frames, :func:`~.mtl_aqa.frame_range`.
"""
import csv
import io
import os.path as osp
from typing import Dict, Mapping, Optional, Tuple

from aqa_mm.utils.cli import UserError
from aqa_mm.utils.io import atomic_write_text
from .mtl_aqa import DiveKey, frame_range, load_annotations, sample_id

# layout -> (path template under source_root, rows carry a frame range)
LAYOUTS: Dict[str, Tuple[str, bool]] = {
    'video': ('{video:02d}.mp4', True),
    'frames': ('{video:02d}', True),
    'dive_frames': ('{video:02d}_{dive:02d}', False),
}


def dive_rows(annotations: Mapping[DiveKey, Mapping], source_root: str,
              layout: str = 'video', template: Optional[str] = None
              ) -> list:
    """``[path, start, end, id]`` of every dive, sorted by id.

    Args:
        annotations (Mapping): Output of :func:`~.mtl_aqa.load_annotations`.
        source_root (str): Folder of the videos or frame folders; paths are
            written absolute.
        layout (str): One of :data:`LAYOUTS`. Defaults to ``'video'``.
        template (str, optional): Path under ``source_root`` replacing the
            layout's, formatted with ``video`` and ``dive``.

    Returns:
        list[list]: One row per dive; ``start``/``end`` are ``''`` for
        ``dive_frames``.
    """
    if layout not in LAYOUTS:
        raise UserError(f'layout must be one of {sorted(LAYOUTS)}, got '
                        f'{layout!r}')
    default, ranged = LAYOUTS[layout]
    template = template or default
    root = osp.abspath(source_root)
    rows = []
    for key in sorted(annotations):
        path = osp.join(root, template.format(video=key[0], dive=key[1]))
        start, end = frame_range(annotations[key]) if ranged else ('', '')
        rows.append([path, start, end, sample_id(key)])
    return rows


def write_dive_list(anno_dir: str, source_root: str, out_file: str,
                    layout: str = 'video',
                    template: Optional[str] = None) -> int:
    """Write the dive list ``.csv`` atomically.

    Args:
        anno_dir (str): Folder holding ``final_annotations_dict.pkl``.
        source_root (str): See :func:`dive_rows`.
        out_file (str): Destination; must end in ``.csv``.
        layout (str): See :func:`dive_rows`. Defaults to ``'video'``.
        template (str, optional): See :func:`dive_rows`.

    Returns:
        int: Rows written (dives).
    """
    if not str(out_file).lower().endswith('.csv'):
        raise UserError(f'the dive list must be a .csv file, got {out_file}')
    rows = dive_rows(load_annotations(anno_dir), source_root, layout,
                     template)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator='\n')
    writer.writerow(['path', 'start', 'end', 'id'])
    writer.writerows(rows)
    atomic_write_text(text.getvalue(), out_file)
    return len(rows)
