"""The MTL-AQA dive list from the REAL annotations, read back by the pose
tool's list reader."""
import csv

import pytest

from aqa_mm.datasets.converters import mtl_aqa, write_dive_list
from aqa_mm.pose import VideoItem, collect_videos
from aqa_mm.utils.cli import UserError


@pytest.fixture(scope='module')
def annotations(real_data_dir):
    return mtl_aqa.load_annotations(str(real_data_dir / 'mtl_aqa'))


def test_whole_video_rows(real_data_dir, annotations, tmp_path):
    out = tmp_path / 'dives.csv'
    count = write_dive_list(str(real_data_dir / 'mtl_aqa'),
                            str(tmp_path / 'whole_videos'), str(out))
    assert count == 1412
    items = {it.sample_id: it for it in collect_videos(str(out))}
    assert len(items) == 1412  # ids are unique
    for key, entry in annotations.items():
        item = items[mtl_aqa.sample_id(key)]
        assert item.path == str(tmp_path / 'whole_videos' /
                                f'{key[0]:02d}.mp4')
        # 1-based ffmpeg frame numbers -> 0-based decoded frames
        assert item.frame_range == (entry['start_frame'] - 1,
                                    entry['end_frame'] - 1)
    # dive (1, 1) of the release: frames 7377..7462
    assert items['01_01'] == VideoItem(
        str(tmp_path / 'whole_videos' / '01.mp4'), '01_01', (7376, 7461))
    lengths = [e - s + 1 for s, e in (it.frame_range
                                      for it in items.values())]
    assert (min(lengths), max(lengths)) == (55, 274)  # measured


def test_frame_folder_layouts(real_data_dir, tmp_path):
    anno_dir = str(real_data_dir / 'mtl_aqa')
    out = tmp_path / 'dives.csv'
    write_dive_list(anno_dir, str(tmp_path / 'frames'), str(out),
                    layout='frames')
    items = {it.sample_id: it for it in collect_videos(str(out))}
    assert items['04_105'].path == str(tmp_path / 'frames' / '04')
    assert items['04_105'].frame_range is not None
    write_dive_list(anno_dir, str(tmp_path / 'musdl'), str(out),
                    layout='dive_frames')
    with open(out, newline='') as f:
        rows = list(csv.reader(f))
    assert rows[0] == ['path', 'start', 'end', 'id'] and len(rows) == 1413
    items = {it.sample_id: it for it in collect_videos(str(out))}
    assert items['04_105'] == VideoItem(str(tmp_path / 'musdl' / '04_105'),
                                        '04_105')
    write_dive_list(anno_dir, str(tmp_path), str(out),
                    template='event_{video}.avi')
    assert collect_videos(str(out))[0].path == str(tmp_path / 'event_1.avi')


def test_bad_arguments(real_data_dir, tmp_path):
    anno_dir = str(real_data_dir / 'mtl_aqa')
    with pytest.raises(UserError, match='layout must be one of'):
        write_dive_list(anno_dir, str(tmp_path), str(tmp_path / 'd.csv'),
                        layout='clips')
    with pytest.raises(UserError, match=r'must be a \.csv file, got .*d\.txt'):
        write_dive_list(anno_dir, str(tmp_path), str(tmp_path / 'd.txt'))
