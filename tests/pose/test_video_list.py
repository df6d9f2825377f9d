import pytest

from aqa_mm.pose import collect_videos, parse_shard, select_shard
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
    assert collect_videos(str(video)) == [
        (str(video), 'dive_07')]


def test_binary_file_without_video_extension_is_named(tmp_path):
    blob = tmp_path / 'scores.bin'
    blob.write_bytes(b'ab\xce\xff')
    with pytest.raises(UserError, match=r'scores\.bin: neither a video list'
                       r'.*byte 2 is not UTF-8'):
        collect_videos(str(blob))
