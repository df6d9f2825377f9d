"""Class-stratified labelled subsets (label_subset.py) and the tool that
writes them (SubsetDataset reads them back: test_wrappers.py)."""
import importlib.util
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from aqa_mm.datasets.label_subset import (read_subset, stratified_subset,
                                          subset_key, write_subsets)

_TOOL = Path(__file__).resolve().parents[2] / 'tools' / 'data' / \
    'make_label_subsets.py'
_spec = importlib.util.spec_from_file_location('make_label_subsets', _TOOL)
make_label_subsets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_label_subsets)


def _samples(per_class=(40, 20, 3)):
    return [(f'c{c}_{i:03d}', c) for c, n in enumerate(per_class)
            for i in range(n)]


def test_per_class_counts_and_at_least_one():
    kept = stratified_subset(_samples(), 0.1, seed=0)
    classes = [int(name[1]) for name in kept]
    assert np.bincount(classes).tolist() == [4, 2, 1]  # round, min 1


def test_nested_across_fractions_and_order_free():
    samples = _samples()
    small = stratified_subset(samples, 0.05, seed=3)
    large = stratified_subset(samples[::-1], 0.5, seed=3)
    assert set(small) < set(large)
    assert stratified_subset(samples, 1.0, seed=3) == sorted(
        n for n, _ in samples)


def test_seeds_draw_different_subsets():
    samples = _samples()
    assert stratified_subset(samples, 0.25, 0) != stratified_subset(
        samples, 0.25, 1)


def test_bad_fraction():
    with pytest.raises(ValueError, match='fraction'):
        stratified_subset(_samples(), 0.0)


def test_write_and_read(tmp_path):
    out = tmp_path / 'subsets.json'
    subsets = write_subsets(_samples(), [0.1, 0.5], [0, 1], str(out), 'x')
    data = json.loads(out.read_text())
    assert data['per_class'][subset_key(0.1, 1)] == [4, 2, 1]
    assert read_subset(str(out), '50%/seed1') == subsets['50%/seed1']
    with pytest.raises(KeyError, match='no subset .20%/seed0.'):
        read_subset(str(out), '20%/seed0')


def _pose_pkl(tmp_path, samples):
    annos = [dict(frame_dir=n, label=c, total_frames=4,
                  keypoint=np.zeros((1, 4, 20, 3), np.float32))
             for n, c in samples]
    path = tmp_path / 'ann.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(split=dict(train=[n for n, _ in samples]),
                         annotations=annos), f)
    return path


def test_tool_names_a_missing_split(tmp_path, capsys):
    ann = _pose_pkl(tmp_path, _samples((5, )))
    with pytest.raises(SystemExit) as exc:
        make_label_subsets.main([str(ann), str(tmp_path / 'o.json'),
                                 '--split', 'xview_train'])
    assert exc.value.code == 2
    assert "no split 'xview_train'" in capsys.readouterr().err


def _aqa_pkl(tmp_path, **kw):
    from tests.conftest import make_annotations
    path = tmp_path / 'aqa.pkl'
    path.write_bytes(pickle.dumps(make_annotations(**kw)))
    return path


def test_tool_on_an_aqa_annotation_file(tmp_path, capsys):
    ann = _aqa_pkl(tmp_path, num_train=40, num_test=10)
    out = tmp_path / 'subsets.json'
    make_label_subsets.main([str(ann), str(out), '--fractions', '0.1', '0.5',
                             '--seeds', '0', '1'])   # auto: aqa, split train
    data = json.loads(out.read_text())
    assert data['source'].endswith('aqa.pkl:train')
    assert data['num_samples'] == 40
    assert data['per_class']['10%/seed1'] == [2, 2]     # by class_id
    content = pickle.loads(ann.read_bytes())
    samples = [(a['frame_dir'], a['class_id']) for a in content['annotations']
               if a['frame_dir'] in set(content['split']['train'])]
    assert data['subsets']['50%/seed0'] == stratified_subset(samples, 0.5, 0)
    assert '10%/seed0: 4 of 40' in capsys.readouterr().out


def test_tool_single_class_is_a_plain_fraction(tmp_path):
    from tests.conftest import make_annotations
    content = make_annotations(num_train=20, num_test=4)
    for a in content['annotations']:
        a['class_id'] = 0
    ann = tmp_path / 'one.pkl'
    ann.write_bytes(pickle.dumps(content))
    out = tmp_path / 'subsets.json'
    make_label_subsets.main([str(ann), str(out), '--format', 'aqa',
                             '--fractions', '0.25', '--seeds', '3'])
    assert json.loads(out.read_text())['per_class'] == {'25%/seed3': [5]}


def test_tool_wrong_format_names_the_field(tmp_path, capsys):
    ann = _aqa_pkl(tmp_path)
    with pytest.raises(SystemExit) as exc:
        make_label_subsets.main([str(ann), str(tmp_path / 'o.json'),
                                 '--format', 'pose', '--split', 'train'])
    assert exc.value.code == 2
    assert "12 annotations of split 'train' have no 'label'" in \
        capsys.readouterr().err
