import pytest

from aqa_mm.pose import VideoItem, collect_videos, parse_shard, select_shard
from aqa_mm.pose.video_list import sample_id
from aqa_mm.utils import UserError


@pytest.fixture
def tree(tmp_path):
    for rel in ('diving/001.avi', 'diving/002.mp4', 'gym_vault/001.MP4',
                'notes.txt', 'top.mkv'):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b'x')
    return tmp_path


def test_folder_is_searched_recursively_with_path_ids(tree):
    items = collect_videos(str(tree))
    assert [it.sample_id for it in items] == [
        'diving/001', 'diving/002', 'gym_vault/001', 'top']
    assert items[0].path == str(tree / 'diving' / '001.avi')


def test_list_file(tree, tmp_path):
    lst = tree / 'list.txt'
    outside = tmp_path.parent / 'elsewhere.mp4'
    lst.write_text(f'# comment\ndiving/001.avi\n\n{tree}/top.mkv\n'
                   f'notes.txt\n{outside}\n')
    items = collect_videos(str(lst))
    assert [it.sample_id for it in items] == ['diving/001', 'elsewhere',
                                              'notes', 'top']
    assert items[0].path == str(tree / 'diving/001.avi')


def test_duplicate_ids_and_missing_sources(tree):
    (tree / 'top.mp4').write_bytes(b'x')
    with pytest.raises(UserError, match="same id.*'top'"):
        collect_videos(str(tree))
    with pytest.raises(UserError, match='not found: nowhere'):
        collect_videos('nowhere')
    (tree / 'empty').mkdir()
    with pytest.raises(UserError, match='no videos in'):
        collect_videos(str(tree / 'empty'))


def test_sample_id_outside_root_uses_stem(tmp_path):
    assert sample_id('/other/place/x.mp4', str(tmp_path)) == 'x'


@pytest.mark.parametrize('count', [1, 2, 3, 7])
def test_shards_are_disjoint_and_cover_everything(count):
    items = list(range(20))
    shards = [select_shard(items, i, count) for i in range(count)]
    assert sorted(x for s in shards for x in s) == items
    assert max(map(len, shards)) - min(map(len, shards)) <= 1


def test_parse_shard():
    assert parse_shard('1/4') == (1, 4)
    for bad in ('4/4', '-1/2', 'a/b', '1'):
        with pytest.raises(UserError, match='--shard'):
            parse_shard(bad)


def test_a_single_video_file_is_one_item(tmp_path):
    video = tmp_path / 'dive_07.MP4'
    video.write_bytes(b'\x00\xce\xff binary, not a list')
    assert collect_videos(str(video)) == [VideoItem(str(video), 'dive_07')]


def test_binary_file_without_video_extension_is_named(tmp_path):
    blob = tmp_path / 'scores.bin'
    blob.write_bytes(b'ab\xce\xff')
    with pytest.raises(UserError, match=r'scores\.bin: neither a video list'
                       r'.*byte 2 is not UTF-8'):
        collect_videos(str(blob))


def test_csv_list_with_frame_ranges_and_ids(tree):
    lst = tree / 'dives.csv'
    lst.write_text('path,start,end,id\n'
                   'top.mkv,7376,7461,01_01\n'
                   'top.mkv,8119,8215,01_02\n'
                   '"diving/001.avi",,,\n'
                   'diving/002.mp4,0,9,\n')
    items = collect_videos(str(lst))
    assert items == [
        VideoItem(str(tree / 'top.mkv'), '01_01', (7376, 7461)),
        VideoItem(str(tree / 'top.mkv'), '01_02', (8119, 8215)),
        VideoItem(str(tree / 'diving/001.avi'), 'diving/001'),
        VideoItem(str(tree / 'diving/002.mp4'), 'diving/002_0-9', (0, 9))]
    # an athlete box per row (the first frame's, for the athlete search)
    lst.write_text('path,start,end,id,box\ntop.mkv,5,9,a,10 20 110 220\n'
                   'top.mkv,10,20,b,\n')
    assert [it.athlete_box for it in collect_videos(str(lst))] == [
        (10.0, 20.0, 110.0, 220.0), None]
    # without an id column, two dives of one video still get distinct ids
    lst.write_text('path,start,end\ntop.mkv,5,9\ntop.mkv,10,20\n')
    assert [it.sample_id for it in collect_videos(str(lst))] == [
        'top_10-20', 'top_5-9']


@pytest.mark.parametrize('rows,message', [
    ('path,first,last\na.mp4,1,2\n', r'dives\.csv: the header must name'),
    ('path,start,end\na.mp4,5,\n', r'dives\.csv:2: give both start'),
    ('path,start,end\na.mp4,1,2\na.mp4,9,3\n',
     r'dives\.csv:3: start 9 is after end 3'),
    ('path,start,end\na.mp4,x,3\n', r"dives\.csv:2: start must be an "
     r"integer >= 0, got 'x'"),
    ('path,start,end\na.mp4,-1,3\n', r'dives\.csv:2: start must be'),
    ('path,start,end\n,1,3\n', r'dives\.csv:2: empty path'),
    ('path,start,end,id\na.mp4,1,3,d\na.mp4,4,5,d\n', r"same id.*'d'"),
    ('path,box\na.mp4,1 2 3\n', r"dives\.csv:2: box: expected x1 y1 x2 y2"),
    ('path,box\na.mp4,5 2 3 9\n', r"dives\.csv:2: box: expected"),
])
def test_bad_csv_rows_name_file_and_line(tmp_path, rows, message):
    lst = tmp_path / 'dives.csv'
    lst.write_text(rows)
    with pytest.raises(UserError, match=message):
        collect_videos(str(lst))


def _frame_folder(path, num=3):
    path.mkdir(parents=True)
    for i in range(1, num + 1):
        (path / f'{i:06d}.jpg').write_bytes(b'x')
    return path


def test_frame_folders_are_items(tmp_path):
    root = tmp_path / 'frames'
    _frame_folder(root / '01_01')
    _frame_folder(root / '01_02')
    (root / 'empty').mkdir()
    # a folder without videos: its frame folders, ids = relative paths
    items = collect_videos(str(root))
    assert items == [VideoItem(str(root / '01_01'), '01_01'),
                     VideoItem(str(root / '01_02'), '01_02')]
    # a frame folder given directly is one item named after it
    assert collect_videos(str(root / '01_02')) == [
        VideoItem(str(root / '01_02'), '01_02')]
    # listed in a text list; a dotted folder name keeps its "extension"
    _frame_folder(tmp_path / 'dive.v2')
    lst = tmp_path / 'list.txt'
    lst.write_text('frames/01_01\ndive.v2\n')
    assert [it.sample_id for it in collect_videos(str(lst))] == [
        'dive.v2', 'frames/01_01']
