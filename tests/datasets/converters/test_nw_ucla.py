"""NW-UCLA converter: the real archive (cross-view counts, labels, shapes)
and the errors on bad files."""
import json
import pickle
from collections import Counter

import numpy as np
import pytest

from aqa_mm.datasets.converters.nw_ucla import convert_nw_ucla, parse_sample
from aqa_mm.utils.cli import DataError


@pytest.fixture(scope='module')
def real_pkl(real_data_dir, tmp_path_factory):
    """The real archive converted once for the module."""
    archive = real_data_dir / 'nw_ucla' / 'nw_ucla_all_sqe.tar.gz'
    if not archive.is_file():
        pytest.fail(f'NW-UCLA archive not found: {archive}')
    out = tmp_path_factory.mktemp('nw_ucla') / 'nw_ucla_xview.pkl'
    report = convert_nw_ucla(str(archive), str(out))
    with open(out, 'rb') as f:
        return report, pickle.load(f)


def test_real_archive_cross_view_split(real_pkl):
    report, data = real_pkl
    annos, split = data['annotations'], data['split']
    assert len(annos) == report['num_samples'] == 1484
    assert len(split['xview_train']) == report['num_train'] == 1020
    assert len(split['xview_val']) == report['num_test'] == 464
    assert not set(split['xview_train']) & set(split['xview_val'])
    views = {a['frame_dir']: int(a['frame_dir'][-2:]) for a in annos}
    assert {views[n] for n in split['xview_train']} == {1, 2}
    assert {views[n] for n in split['xview_val']} == {3}


def test_real_archive_labels_and_shapes(real_pkl):
    report, data = real_pkl
    annos = data['annotations']
    counts = Counter(a['label'] for a in annos)
    assert sorted(counts) == list(range(10))
    assert all(141 <= c <= 173 for c in counts.values())
    for a in annos:
        kp = a['keypoint']
        assert kp.dtype == np.float32 and kp.shape == (1, a['total_frames'],
                                                       20, 3)
        assert type(a['label']) is int
    frames = [a['total_frames'] for a in annos]
    assert min(frames) == 1 and max(frames) == 201
    assert report['num_single_frame'] == frames.count(1) > 0  # kept


def _raw(skeletons, label=1) -> bytes:
    return json.dumps(dict(file_name='x', skeletons=skeletons,
                           label=label)).encode()


def test_parse_sample_single_frame_and_label():
    s = parse_sample('a03_s01_e02_v02.json', _raw([[[0.1, 0.2, 0.3]] * 20],
                                                  label=3))
    assert s['label'] == 2 and s['total_frames'] == 1 and s['view'] == 2
    assert s['keypoint'].shape == (1, 1, 20, 3)


@pytest.mark.parametrize('raw,match', [
    (b'{not json', 'corrupt JSON'),
    (b'{"label": 1}', 'missing key'),
    (_raw([[[0.0, 0.0, 0.0]] * 19]), 'shape'),
    (_raw([[[0.0, 0.0, 0.0]] * 20], label=11), "'label'"),
    (_raw([[[0.0, 0.0, 0.0]] * 20], label=2), 'means action a02'),
])
def test_parse_sample_names_the_bad_file(raw, match):
    with pytest.raises(DataError, match=match) as info:
        parse_sample('a01_s01_e01_v01.json', raw)
    assert 'a01_s01_e01_v01.json' in str(info.value)


def test_folder_source_and_corrupt_file(tmp_path):
    src = tmp_path / 'all_sqe'
    src.mkdir()
    frame = [[[0.0, 0.0, 1.0]] * 20]
    (src / 'a01_s01_e01_v01.json').write_bytes(_raw(frame * 3))
    (src / 'a02_s01_e01_v03.json').write_bytes(_raw(frame, label=2))
    report = convert_nw_ucla(str(src), str(tmp_path / 'out.pkl'))
    assert (report['num_train'], report['num_test']) == (1, 1)
    (src / 'a01_s02_e01_v01.json').write_bytes(b'\x00garbage')
    with pytest.raises(DataError, match='a01_s02_e01_v01.json'):
        convert_nw_ucla(str(src), str(tmp_path / 'bad.pkl'))
    assert not (tmp_path / 'bad.pkl').exists()   # nothing half-written
