"""Which videos to process: a folder or a list file, split into shards.

Sample ids
    Every video gets an id, its path relative to the input folder (or to the
    list file's folder) without the extension, with ``/`` separators, e.g.
    ``diving/001``. Videos outside that folder use their file name stem. The
    id is the pose file's ``frame_dir`` and its name under ``--out-dir``
    (``diving/001.pkl``), and the key the merge step joins scores on.

Shards
    ``--shard i/n`` (0 <= i < n) keeps every n-th video of the id-sorted
    list starting at i: the n shards are disjoint and cover every video, and
    long and short videos spread evenly. Under ``torchrun`` the rank and the
    world size play the role of ``i`` and ``n``.
"""
import os
import os.path as osp
from pathlib import Path
from typing import List, NamedTuple, Optional, Sequence, Tuple

from aqa_mm.utils.cli import UserError

VIDEO_EXTENSIONS = ('.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v', '.mpg',
                    '.mpeg', '.wmv', '.flv', '.3gp', '.ts')


class VideoItem(NamedTuple):
    """A video to process: its ``path`` and its sample ``sample_id``."""
    path: str
    sample_id: str


def sample_id(path: str, root: str) -> str:
    """The sample id of ``path`` relative to ``root`` (see module docstring).

    Args:
        path (str): Video path.
        root (str): Folder the ids are relative to.

    Returns:
        str: E.g. ``'diving/001'``.
    """
    rel = osp.relpath(osp.abspath(path), osp.abspath(root))
    if rel.startswith('..'):
        rel = osp.basename(path)
    return osp.splitext(rel)[0].replace(os.sep, '/')


def collect_videos(source: str) -> List[VideoItem]:
    """Videos of a folder (recursively, by extension), of a list file, or
    one video file (a path with a video extension).

    A list file has one video path per line; relative paths are relative to
    the list file's folder; empty lines and lines starting with ``#`` are
    skipped. Every listed path is kept, even one that is not a video: the
    extraction then records why it failed.

    Args:
        source (str): A folder, a text file or a video file.

    Returns:
        list[VideoItem]: Sorted by sample id.

    Raises:
        UserError: ``source`` does not exist, holds no video, is a binary
            file without a video extension, or two videos map to the same
            id.
    """
    if osp.isdir(source):
        paths = [str(p) for p in sorted(Path(source).rglob('*'))
                 if p.is_file() and p.suffix.lower() in VIDEO_EXTENSIONS]
        root = source
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
    if not paths:
        raise UserError(f'no videos in {source} (looked for '
                        f'{", ".join(VIDEO_EXTENSIONS)})')
    items = sorted((VideoItem(p, sample_id(p, root)) for p in paths),
                   key=lambda it: it.sample_id)
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
