"""MTL-AQA converter on the REAL annotation and split files (1,059 / 353)."""
import pickle

import numpy as np
import pytest

from aqa_mm.datasets import AQADataset
from aqa_mm.datasets.converters import convert_mtl_aqa, mtl_aqa
from aqa_mm.datasets.converters.readers import RestrictedUnpickler
from aqa_mm.utils.cli import DataError, UserError
from .fake_data import make_mtl_aqa_poses


@pytest.fixture(scope='module')
def anno_dir(real_data_dir):
    return real_data_dir / 'mtl_aqa'


@pytest.fixture(scope='module')
def raw(anno_dir):
    """The release's dict, read independently of the converter."""
    with open(anno_dir / 'final_annotations_dict.pkl', 'rb') as f:
        return RestrictedUnpickler(f).load()


@pytest.fixture(scope='module')
def poses(anno_dir, tmp_path_factory):
    return make_mtl_aqa_poses(anno_dir, tmp_path_factory.mktemp('mtl'))


def _convert(anno_dir, poses, out, **kwargs):
    report = convert_mtl_aqa(str(anno_dir), str(poses), str(out), **kwargs)
    return report, pickle.loads(out.read_bytes())


def test_real_annotations_and_splits(anno_dir):
    annotations = mtl_aqa.load_annotations(str(anno_dir))
    assert len(annotations) == 1412
    split = mtl_aqa.load_splits(str(anno_dir), annotations)
    train, test = set(split['train']), set(split['test'])
    assert (len(split['train']), len(split['test'])) == (1059, 353)
    assert len(train) == 1059 and len(test) == 353  # no repeats
    assert not train & test
    assert train | test == set(annotations)


def test_final_score_label(anno_dir, poses, raw, tmp_path):
    report, ann = _convert(anno_dir, poses, tmp_path / 'mtl.pkl')
    assert report.counts == {'train': 1059, 'test': 353}
    assert not report.out_of_range and not report.skipped
    assert ann['metainfo']['score_label'] == 'final'
    assert ann['metainfo']['classes'] == ['diving']
    assert not set(ann['split']['train']) & set(ann['split']['test'])
    by_id = {a['frame_dir']: a for a in ann['annotations']}
    for (video, dive), entry in raw.items():
        item = by_id[f'{video:02d}_{dive:02d}']
        assert item['score'] == entry['final_score']
        assert item['difficulty'] == entry['difficulty']
        assert item['class_id'] == 0 and item['class_name'] == 'diving'
        assert item['video'] == f'dives/{video:02d}_{dive:02d}.mp4'
    scores = {s: np.array([by_id[i]['score'] for i in ids])
              for s, ids in ann['split'].items()}
    # measured on the release: final 0 .. 104.5 (train max 102.6)
    assert (scores['train'].min(), scores['train'].max()) == (0.0, 102.6)
    assert (scores['test'].min(), scores['test'].max()) == (0.0, 104.5)
    dd = np.array([a['difficulty'] for a in ann['annotations']])
    assert (dd.min(), dd.max()) == (1.5, 4.1)
    assert by_id['01_01']['score'] == 88.0  # spot check against the dict
    assert by_id['01_01']['difficulty'] == 3.2


def test_execution_score_variant(anno_dir, poses, raw, tmp_path):
    report, ann = _convert(anno_dir, poses, tmp_path / 'mtl.pkl',
                           label='execution')
    assert report.counts == {'train': 1059, 'test': 353}
    assert not report.out_of_range  # every execution score in [0, 30]
    assert ann['metainfo']['score_label'] == 'execution'
    for item in ann['annotations']:
        video, dive = (int(v) for v in item['frame_dir'].split('_'))
        final = raw[(video, dive)]['final_score']
        assert item['score'] == final / item['difficulty']
        assert item['score'] * item['difficulty'] == pytest.approx(
            final, abs=1e-9)
    scores = np.array([a['score'] for a in ann['annotations']])
    assert scores.min() == 0.0 and scores.max() == pytest.approx(29.0)
    dive = next(a for a in ann['annotations'] if a['frame_dir'] == '01_01')
    assert dive['score'] == pytest.approx(27.5)  # 88.0 / 3.2
    with pytest.raises(UserError, match="label must be 'final'"):
        _convert(anno_dir, poses, tmp_path / 'x.pkl', label='overall')


def test_dataset_loads_the_file(anno_dir, poses, tmp_path):
    out = tmp_path / 'mtl.pkl'
    _convert(anno_dir, poses, out)
    train = AQADataset(str(out), pipeline=[], split='train')
    assert len(train) == 1059
    assert train.metainfo['score_ranges'] == {0: (0.0, 102.6)}
    assert len(AQADataset(str(out), pipeline=[], split='test')) == 353


def test_missing_poses_and_videos(anno_dir, tmp_path):
    poses = make_mtl_aqa_poses(anno_dir, tmp_path, skip=['05_10'])
    with pytest.raises(DataError, match=r'^1 of 1412 annotated samples .*'
                       r'05_10: skeleton .*05_10\.pkl not found'):
        _convert(anno_dir, poses, tmp_path / 'm.pkl')
    report, ann = _convert(anno_dir, poses, tmp_path / 'm.pkl',
                           skip_missing=True)
    assert sum(report.counts.values()) == 1411
    assert report.skipped[0].startswith('05_10: skeleton')
    with pytest.raises(DataError, match=r'^1412 of 1412 .*18_67: video .*'
                       r'dives/18_67\.mp4 not found'):
        _convert(anno_dir, poses, tmp_path / 'm.pkl',
                 data_root=str(tmp_path))


def _write(path, obj):
    path.write_bytes(pickle.dumps(obj, protocol=2))


def _release(tmp_path, annotations, train, test):
    _write(tmp_path / 'final_annotations_dict.pkl', annotations)
    _write(tmp_path / 'train_split_0.pkl', train)
    _write(tmp_path / 'test_split_0.pkl', test)
    return tmp_path


DIVE = dict(start_frame=10, end_frame=20, difficulty=2.0, final_score=50.0)


@pytest.mark.parametrize('annotations,train,test,message', [
    ({(1, 1): DIVE}, [(1, 1)], [(1, 1)], r'test_split_0\.pkl: dive 01_01 is '
     r'also in train_split_0\.pkl'),
    ({(1, 1): DIVE}, [(1, 1)], [(2, 3)], r'test_split_0\.pkl: 1 dive\(s\) '
     r"not in final_annotations_dict\.pkl: \['02_03'\]"),
    ({'1_1': DIVE}, [], [], r"final_annotations_dict\.pkl: key '1_1' is not "
     r'a \(video_number, dive_number\) pair'),
    ({(1, 1): dict(DIVE, final_score=None)}, [], [], r'dive 01_01 has a '
     r'non-numeric frame number or score'),
    ({(1, 1): {k: v for k, v in DIVE.items() if k != 'difficulty'}}, [], [],
     r"dive 01_01 has no \['difficulty'\]"),
    ({(1, 1): dict(DIVE, start_frame=30)}, [], [], r'dive 01_01 has frames '
     r'30\.\.20, expected 1 <= start_frame <= end_frame'),
    ({(1, 1): dict(DIVE, difficulty=0.0)}, [], [], r'dive 01_01 has '
     r'final_score 50\.0 / difficulty 0\.0'),
])
def test_bad_release_files_are_named(tmp_path, annotations, train, test,
                                     message):
    anno_dir = _release(tmp_path, annotations, train, test)
    with pytest.raises(DataError, match=message):
        convert_mtl_aqa(str(anno_dir), str(tmp_path), str(tmp_path / 'o.pkl'))


def test_code_in_a_pickle_is_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            import os
            return os.system, ('echo pwned',)

    anno_dir = _release(tmp_path, {(1, 1): DIVE}, [], [])
    _write(anno_dir / 'final_annotations_dict.pkl', {(1, 1): Evil()})
    with pytest.raises(DataError, match=r'final_annotations_dict\.pkl: '
                       r'unreadable pickle \(refusing to load global '
                       r'(posix|os)\.system'):
        mtl_aqa.load_annotations(str(anno_dir))
