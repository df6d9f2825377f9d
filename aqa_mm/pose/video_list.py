"""Which videos to process: a folder or a list file, split into shards.

Sources
    A folder is searched recursively for video files; when it holds none,
    for frame folders (folders with image files, e.g. MUSDL's per-dive
    ``01_07/*.jpg``), each one item. A text list file has one video file or
    frame folder per line. A ``.csv`` list file has a header row and the
    columns ``path`` (required), ``start`` and ``end`` (0-based, inclusive
    frame indices; both or neither), ``id`` and ``box`` (``x1 y1 x2 y2``,
    pixels, around the athlete in the row's first frame: the athlete
    search starts from him, see ``AthleteTracker.seed``); a row with a
    range is one item that covers only those frames, e.g. one dive of a
    whole-event recording::

        path,start,end,id
        whole_videos/01.mp4,7376,7461,01_01
        whole_videos_frames/01,8119,8215,01_02

    Relative paths are relative to the list file's folder.

Sample ids
    Every video gets an id, its path relative to the input folder (or to the
    list file's folder) without the extension, with ``/`` separators, e.g.
    ``diving/001``. Videos outside that folder use their file name stem. A
    CSV row's ``id`` replaces it; a row with a range and no ``id`` gets
    ``<path id>_<start>-<end>``. The
    id is the pose file's ``frame_dir`` and its name under ``--out-dir``
    (``diving/001.pkl``), and the key the merge step joins scores on.

Shards
    ``--shard i/n`` (0 <= i < n) keeps every n-th video of the id-sorted
    list starting at i: the n shards are disjoint and cover every video, and
    long and short videos spread evenly. Under ``torchrun`` the rank and the
    world size play the role of ``i`` and ``n``.
"""
import csv
import os
import os.path as osp
from pathlib import Path
from typing import List, NamedTuple, Optional, Sequence, Tuple

from aqa_mm.utils.cli import UserError
from .video_reader import IMAGE_EXTENSIONS

VIDEO_EXTENSIONS = ('.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v', '.mpg',
                    '.mpeg', '.wmv', '.flv', '.3gp', '.ts')


class VideoItem(NamedTuple):
    """A video to process.

    Args:
        path (str): Video file or frame folder.
        sample_id (str): Its sample id.
        frame_range (tuple[int, int], optional): ``(start, end)``, 0-based
            inclusive frames to process. Defaults to None (all).
        athlete_box (tuple[float, ...], optional): ``x1, y1, x2, y2``
            around the athlete in the first processed frame. Defaults to
            None (the search picks him).
    """
    path: str
    sample_id: str
    frame_range: Optional[Tuple[int, int]] = None
    athlete_box: Optional[Tuple[float, float, float, float]] = None


def sample_id(path: str, root: str) -> str:
    """The sample id of ``path`` relative to ``root`` (see module docstring).

    Args:
        path (str): Video path.
        root (str): Folder the ids are relative to.

    Returns:
        str: E.g. ``'diving/001'``.
    """
    rel = osp.relpath(osp.abspath(path), osp.abspath(root))
    if rel.startswith('..') or rel == '.':
        rel = osp.basename(osp.normpath(osp.abspath(path)))
    if not osp.isdir(path):
        rel = osp.splitext(rel)[0]
    return rel.replace(os.sep, '/')


def _frame_folders(source: str) -> List[str]:
    """Folders under ``source`` (itself included) holding image files."""
    return [str(d) for d in sorted([Path(source), *Path(source).rglob('*')])
            if d.is_dir() and any(f.suffix.lower() in IMAGE_EXTENSIONS
                                  for f in d.iterdir() if f.is_file())]


def _csv_int(source: str, line: int, name: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise UserError(f'{source}:{line}: {name} must be an integer >= 0, '
                        f'got {text!r}')
    return value


def _csv_row(source: str, root: str, line: int, row: dict) -> VideoItem:
    """One CSV row as an item (see the module docstring)."""
    path = (row.get('path') or '').strip()
    if not path:
        raise UserError(f'{source}:{line}: empty path')
    path = path if osp.isabs(path) else osp.join(root, path)
    start, end, given_id = ((row.get(k) or '').strip()
                            for k in ('start', 'end', 'id'))
    frame_range = None
    if start or end:
        if not (start and end):
            raise UserError(f'{source}:{line}: give both start and end, or '
                            'neither')
        frame_range = (_csv_int(source, line, 'start', start),
                       _csv_int(source, line, 'end', end))
        if frame_range[0] > frame_range[1]:
            raise UserError(f'{source}:{line}: start {start} is after end '
                            f'{end}')
    item_id = given_id or sample_id(path, root)
    if frame_range and not given_id:
        item_id = f'{item_id}_{frame_range[0]}-{frame_range[1]}'
    box = (row.get('box') or '').strip()
    return VideoItem(path, item_id, frame_range,
                     parse_box(box, f'{source}:{line}: box') if box else None)


def parse_box(text: str, what: str = '--athlete-box'
              ) -> Tuple[float, float, float, float]:
    """``x1, y1, x2, y2`` from text like ``'10 20 110 220'`` or
    ``'10,20,110,220'``.

    Raises:
        UserError: Not four numbers with x1 < x2 and y1 < y2 (``what``
            names where the text came from).
    """
    try:
        vals = tuple(float(v) for v in text.replace(',', ' ').split())
    except ValueError:
        vals = ()
    if len(vals) != 4 or not (vals[0] < vals[2] and vals[1] < vals[3]):
        raise UserError(f'{what}: expected x1 y1 x2 y2 with x1 < x2 and '
                        f'y1 < y2, got {text!r}')
    return vals


def read_csv_list(source: str) -> List[VideoItem]:
    """Items of a ``.csv`` list file (see the module docstring).

    Args:
        source (str): The CSV file.

    Returns:
        list[VideoItem]: In file order.

    Raises:
        UserError: Naming the file and line of a bad row or header.
    """
    root = osp.dirname(osp.abspath(source))
    try:
        with open(source, encoding='utf-8', newline='') as f:
            reader = csv.DictReader(f)
            columns = reader.fieldnames or []
            unknown = sorted(set(columns) -
                             {'path', 'start', 'end', 'id', 'box'})
            if 'path' not in columns or unknown:
                raise UserError(f'{source}: the header must name the '
                                'columns path[,start,end][,id][,box]; got '
                                f'{columns}')
            return [_csv_row(source, root, reader.line_num, row)
                    for row in reader]
    except UnicodeDecodeError as exc:
        raise UserError(f'{source}: not a UTF-8 CSV list (byte {exc.start})'
                        ) from exc


def collect_videos(source: str) -> List[VideoItem]:
    """Videos of a folder (recursively, by extension), of a list file, or
    one video file (a path with a video extension).

    A text list file has one video file or frame folder per line; relative
    paths are relative to the list file's folder; empty lines and lines
    starting with ``#`` are skipped. A ``.csv`` list adds frame ranges and
    ids (module docstring). Every listed path is kept, even one that is not
    a video: the extraction then records why it failed.

    Args:
        source (str): A folder, a text or ``.csv`` list file, or a video
            file.

    Returns:
        list[VideoItem]: Sorted by sample id.

    Raises:
        UserError: ``source`` does not exist, holds no video, is a binary
            file without a video extension, or two videos map to the same
            id.
    """
    items = None
    if osp.isdir(source):
        paths = [str(p) for p in sorted(Path(source).rglob('*'))
                 if p.is_file() and p.suffix.lower() in VIDEO_EXTENSIONS]
        paths = paths or _frame_folders(source)
        root = source
    elif osp.isfile(source) and source.lower().endswith('.csv'):
        items, paths = read_csv_list(source), None
    elif osp.isfile(source) and \
            osp.splitext(source)[1].lower() in VIDEO_EXTENSIONS:
        # one video given directly (reading it as a list file would fail
        # with a UnicodeDecodeError traceback)
        root, paths = osp.dirname(osp.abspath(source)), [source]
    elif osp.isfile(source):
        root = osp.dirname(osp.abspath(source))
        try:
            with open(source, encoding='utf-8') as f:
                lines = [ln.strip() for ln in f]
        except UnicodeDecodeError as exc:
            raise UserError(
                f'{source}: neither a video list (UTF-8 text, one path per '
                f'line) nor a video file ({", ".join(VIDEO_EXTENSIONS)}); '
                f'byte {exc.start} is not UTF-8') from exc
        paths = [ln if osp.isabs(ln) else osp.join(root, ln)
                 for ln in lines if ln and not ln.startswith('#')]
    else:
        raise UserError(f'video list or folder not found: {source}')
    if items is None:
        items = [VideoItem(p, sample_id(p, root)) for p in paths]
    if not items:
        raise UserError(f'no videos in {source} (looked for '
                        f'{", ".join(VIDEO_EXTENSIONS)}, then for frame '
                        'folders)')
    items = sorted(items, key=lambda it: it.sample_id)
    dups = sorted({a.sample_id for a, b in zip(items, items[1:])
                   if a.sample_id == b.sample_id})
    if dups:
        raise UserError(f'{source}: several videos map to the same id '
                        f'{dups[:5]}; ids are paths without extension, so '
                        'rename or move them apart')
    return items


def parse_shard(text: str) -> Tuple[int, int]:
    """Parse ``'i/n'`` into ``(i, n)``, requiring ``0 <= i < n``.

    Args:
        text (str): E.g. ``'0/4'``.

    Returns:
        tuple[int, int]: Shard index and shard count.
    """
    try:
        index, count = (int(v) for v in text.split('/'))
    except ValueError:
        raise UserError(f'--shard must look like i/n (e.g. 0/4), got {text!r}')
    if not 0 <= index < count:
        raise UserError(f'--shard {text}: need 0 <= i < n')
    return index, count


def shard_from_env() -> Optional[Tuple[int, int]]:
    """``(RANK, WORLD_SIZE)`` when started by torchrun with several ranks."""
    if 'RANK' in os.environ and int(os.environ.get('WORLD_SIZE', '1')) > 1:
        return int(os.environ['RANK']), int(os.environ['WORLD_SIZE'])
    return None


def select_shard(items: Sequence[VideoItem], index: int,
                 count: int) -> List[VideoItem]:
    """Every ``count``-th item starting at ``index`` (disjoint, covering).

    Args:
        items (Sequence[VideoItem]): All videos, sorted by id.
        index (int): Shard index, ``0 <= index < count``.
        count (int): Number of shards.

    Returns:
        list[VideoItem]: This shard's videos.
    """
    if not 0 <= index < count:
        raise ValueError(f'shard index {index} not in [0, {count})')
    return list(items[index::count])
