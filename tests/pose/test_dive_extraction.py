"""MTL-AQA end to end on generated media: dive list -> pose extraction of
each dive's frame range (random-weight HRNet) -> converter -> dataset, for
whole-event videos and for the release's per-video frame folders."""
import pickle

import cv2
import pytest

from aqa_mm.datasets import AQADataset
from aqa_mm.datasets.converters import convert_mtl_aqa, write_dive_list
from aqa_mm.pose import (BatchedTopdown, PoseExtractor, collect_videos,
                         run_extraction)
from .conftest import person_frames, write_video

# (video, dive) -> 1-based ffmpeg frame numbers, as in the release
DIVES = {(1, 1): (3, 5), (1, 2): (12, 13), (2, 1): (1, 2)}  # 7 frames


def _release(folder):
    folder.mkdir()
    ann = {k: dict(start_frame=s, end_frame=e, difficulty=2.0 + k[1],
                   final_score=40.0 + 10 * k[0] + k[1])
           for k, (s, e) in DIVES.items()}
    for name, obj in (('final_annotations_dict', ann),
                      ('train_split_0', [(1, 1), (2, 1)]),
                      ('test_split_0', [(1, 2)])):
        (folder / f'{name}.pkl').write_bytes(pickle.dumps(obj, protocol=2))
    return folder


@pytest.mark.parametrize('layout', ['video', 'frames'])
def test_dives_of_whole_event_recordings(hrnet, tmp_path, layout):
    anno_dir, src = _release(tmp_path / 'release'), tmp_path / 'src'
    src.mkdir()
    for video in (1, 2):
        frames = person_frames(14, seed=video)
        if layout == 'video':
            write_video(src / f'{video:02d}.mp4', frames)
        else:  # frame_extractor.sh: whole_videos_frames/<vv>/%06d.jpg
            (src / f'{video:02d}').mkdir()
            for t, frame in enumerate(frames):
                cv2.imwrite(str(src / f'{video:02d}' / f'{t + 1:06d}.jpg'),
                            frame)
    dives = tmp_path / 'dives.csv'
    assert write_dive_list(str(anno_dir), str(src), str(dives), layout) == 3
    items = collect_videos(str(dives))
    assert [it.sample_id for it in items] == ['01_01', '01_02', '02_01']

    poses = tmp_path / 'poses'
    extractor = PoseExtractor(BatchedTopdown(hrnet, 4, fast=False),
                              batch_size=4, min_person_score=0.0,
                              whole_frame=True)
    summary = run_extraction(items, str(poses), extractor,
                             str(tmp_path / 'failures.txt'), progress=False)
    assert summary.done == 3 and not summary.failed
    for (video, dive), (start, end) in DIVES.items():
        record = pickle.loads((poses / f'{video:02d}_{dive:02d}.pkl')
                              .read_bytes())
        assert record['total_frames'] == end - start + 1
        assert record['keypoint'].shape == (1, end - start + 1, 17, 2)
        assert record['img_shape'] == (64, 96)

    out = tmp_path / 'mtl.pkl'
    report = convert_mtl_aqa(str(anno_dir), str(poses), str(out),
                             label='execution')
    assert report.counts == {'train': 2, 'test': 1}
    test = AQADataset(str(out), pipeline=[], split='test')
    sample = test.get_data_info(0)
    assert sample['frame_dir'] == '01_02' and sample['total_frames'] == 2
    assert sample['score'] == pytest.approx(52.0 / 4.0)


def test_a_dive_past_the_end_is_a_recorded_failure(hrnet, tmp_path):
    write_video(tmp_path / 'event.mp4', person_frames(10))
    dives = tmp_path / 'dives.csv'
    dives.write_text('path,start,end,id\nevent.mp4,2,3,ok\n'
                     'event.mp4,8,12,late\n')
    extractor = PoseExtractor(BatchedTopdown(hrnet, 4, fast=False),
                              batch_size=4, min_person_score=0.0,
                              whole_frame=True)
    failures = tmp_path / 'failures.txt'
    summary = run_extraction(collect_videos(str(dives)),
                             str(tmp_path / 'poses'), extractor,
                             str(failures), progress=False)
    assert summary.done == 1
    assert (tmp_path / 'poses' / 'ok.pkl').is_file()
    assert not (tmp_path / 'poses' / 'late.pkl').exists()
    assert failures.read_text() == (
        f'{tmp_path / "event.mp4"}\tframe range 8..12 ends past the last '
        'frame (the source has 10 frames, 0..9)\n')
