import pickle

import numpy as np
import pytest

from aqa_mm.analysis.dump_reader import (column, denormalize_dump,
                                         load_dump, require_keys,
                                         streams_present)
from aqa_mm.datasets.score_normalization import (load_score_ranges,
                                                 normalize_scores)
from aqa_mm.utils.cli import DataError
from .synthetic_dumps import single_stream_records, two_stream_records, write


def test_streams_present():
    assert [k for k, _ in streams_present(two_stream_records())] == [
        'pred_score_skeleton', 'pred_score_rgb', 'pred_aqa_score']
    assert streams_present(single_stream_records()) == [
        ('pred_aqa_score', 'fused')]


def test_load_dump_roundtrip(tmp_path):
    records = two_stream_records()
    assert load_dump(write(records, tmp_path / 'd.pkl')) == records


@pytest.mark.parametrize('content, message', [
    ({'a': 1}, 'expected a non-empty list of dicts'),
    ([], 'got a list of 0'),
    ([dict(gt_score=1.0)], "record 0 has no ['pred_aqa_score']"),
])
def test_load_dump_names_file_and_problem(tmp_path, content, message):
    path = tmp_path / 'bad.pkl'
    path.write_bytes(pickle.dumps(content))
    with pytest.raises(DataError, match='bad.pkl') as exc:
        load_dump(str(path))
    assert message in str(exc.value)


def test_load_dump_missing_and_garbage(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pkl'):
        load_dump(str(tmp_path / 'nope.pkl'))
    (tmp_path / 'junk.pkl').write_bytes(b'not a pickle')
    with pytest.raises(DataError, match='junk.pkl: not a readable'):
        load_dump(str(tmp_path / 'junk.pkl'))


def test_require_keys_names_key_and_file():
    with pytest.raises(DataError, match="x.pkl: record 0 .* no key "
                       "'pred_stream'"):
        require_keys(single_stream_records(), ('pred_stream', ), 'x.pkl')


def test_denormalize_dump_inverts_normalize_score(tiny_ann):
    ranges = load_score_ranges(tiny_ann)
    records = [dict(frame_dir=f's{i}', class_id=i % 2, gt_score=float(g),
                     class_name='x')
               for i, g in enumerate([12.0, 60.0, 18.0, 90.0])]
    ids = [r['class_id'] for r in records]
    norm = normalize_scores(column(records, 'gt_score'), ids, ranges)
    for r, v in zip(records, norm):
        r['pred_aqa_score'] = float(v)
    out = denormalize_dump(records, tiny_ann)
    np.testing.assert_allclose(column(out, 'pred_aqa_score'),
                               column(records, 'gt_score'))
    assert records[0]['pred_aqa_score'] == pytest.approx(norm[0])  # copy
