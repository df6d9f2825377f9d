"""The JIGSAWS converter: small synthetic trees in the official layout (a
folder and a tar.xz), bad files named in one line, and the real release."""
import pickle
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

from aqa_mm.datasets.converters.jigsaws import (convert_jigsaws,
                                                load_fold_file, loso_splits)
from aqa_mm.datasets.converters.jigsaws_reader import (parse_kinematics,
                                                       parse_meta,
                                                       read_jigsaws)
from aqa_mm.utils.cli import DataError

ROOT = Path(__file__).resolve().parents[3]
TASK = 'Knot_Tying'


def make_tree(root: Path, frames=(5, 7, 6, 4, 8), scored=4,
              missing=()) -> Path:
    """A fake ``JIGSAWS/Knot_Tying`` tree: trials B001, B002, C001, C002,
    D001; the first ``scored`` ones scored; ``missing`` scored but without
    kinematics. Returns the folder holding ``JIGSAWS``."""
    names = ['B001', 'B002', 'C001', 'C002', 'D001'][:len(frames)]
    task_dir = root / 'JIGSAWS' / TASK
    kin_dir = task_dir / 'kinematics' / 'AllGestures'
    kin_dir.mkdir(parents=True)
    rng = np.random.default_rng(0)
    lines = []
    for i, (name, t) in enumerate(zip(names, frames)):
        trial = f'{TASK}_{name}'
        if trial not in missing:
            values = rng.normal(size=(t, 76))
            np.savetxt(kin_dir / f'{trial}.txt', values, fmt='%.6f')
        if i < scored:
            items = [1 + (i + j) % 5 for j in range(6)]
            lines.append('\t'.join([trial, '', 'NIE'[i % 3], str(sum(items)),
                                    ''] + [str(v) for v in items]))
    (task_dir / f'meta_file_{TASK}.txt').write_text('\r\n'.join(lines) +
                                                    '\r\n\r\n')
    return root


def write_folds(path: Path, folds) -> Path:
    path.write_bytes(pickle.dumps({TASK: folds}))
    return path


FOLDS = [['Knot_Tying_B001'], ['Knot_Tying_B002'], ['Knot_Tying_C001'],
         ['Knot_Tying_C002']]


def test_convert_folder(tmp_path):
    src = make_tree(tmp_path / 'src', missing=('Knot_Tying_B002', ))
    out = tmp_path / 'out.pkl'
    report = convert_jigsaws(str(src), str(write_folds(tmp_path / 's.pkl',
                                                       FOLDS)),
                             str(out), tasks=(TASK, ))
    assert report.skipped == ['Knot_Tying_B002: scored, but no kinematics '
                              'file']
    data = pickle.loads(out.read_bytes())
    split = data['split']
    assert split['all'] == ['Knot_Tying_B001', 'Knot_Tying_C001',
                            'Knot_Tying_C002', 'Knot_Tying_D001']
    assert split['Knot_Tying_fold1_test'] == []  # its one trial is skipped
    assert split['Knot_Tying_fold0_train'] == ['Knot_Tying_C001',
                                               'Knot_Tying_C002']
    assert split['Knot_Tying_fold0_test'] == ['Knot_Tying_B001']
    annos = {a['frame_dir']: a for a in data['annotations']}
    a = annos['Knot_Tying_C001']
    assert a['keypoint'].shape == (1, 6, 4, 19)
    assert a['keypoint'].dtype == np.float32
    assert a['total_frames'] == 6 and a['class_id'] == 0
    assert a['scores_items'].shape == (6, )
    assert a['score'] == a['scores_items'].sum()
    assert (a['subject'], a['trial'], a['skill']) == ('C', 1, 'E')
    unscored = annos['Knot_Tying_D001']  # in all only
    assert unscored['score'] is None and unscored['scores_items'] is None
    assert not any('Knot_Tying_D001' in v for k, v in split.items()
                   if k != 'all')


def test_tar_equals_folder(tmp_path):
    src = make_tree(tmp_path / 'src')
    archive = tmp_path / 'k.tar.xz'
    with tarfile.open(archive, 'w:xz') as tar:
        tar.add(src / 'JIGSAWS', arcname='JIGSAWS')
    k1, m1 = read_jigsaws(str(src), (TASK, ))
    k2, m2 = read_jigsaws(str(archive), (TASK, ))
    assert list(k1) == list(k2) and list(m1) == list(m2)
    assert all(np.array_equal(k1[n], k2[n]) for n in k1)


def test_loso_splits():
    names = ['Knot_Tying_B001', 'Knot_Tying_B002', 'Knot_Tying_C001']
    splits = loso_splits(names)
    assert splits['Knot_Tying_loso_B_test'] == names[:2]
    assert splits['Knot_Tying_loso_B_train'] == names[2:]
    assert set(splits) == {f'Knot_Tying_loso_{s}_{p}' for s in 'BC'
                           for p in ('train', 'test')}


@pytest.mark.parametrize('raw,match', [
    (b'1 2 3', 'multiple of 76'), (b'', 'multiple of 76'),
    (b'x ' * 76, 'non-numeric'), (b'nan ' * 76, 'NaN')])
def test_bad_kinematics_named(raw, match):
    with pytest.raises(DataError, match=f'k.txt: .*{match}'):
        parse_kinematics('k.txt', raw)


@pytest.mark.parametrize('line,match', [
    ('Knot_Tying_B001\tN\t12\t2\t2\t2\t2\t2\t3', 'not the sum'),
    ('Knot_Tying_B001\tX\t12\t2\t2\t2\t2\t2\t2', 'skill'),
    ('Knot_Tying_B001\tN\t12\t2\t2\t2\t2\t2', 'fields'),
    ('Knot_Tying_B001\tN\t36\t6\t6\t6\t6\t6\t6', 'outside'),
    ('Knot_B001\tN\t12\t2\t2\t2\t2\t2\t2', 'trial name')])
def test_bad_meta_named(line, match):
    with pytest.raises(DataError, match=match):
        parse_meta('meta.txt', line.encode())


def test_bad_fold_file(tmp_path):
    with pytest.raises(DataError, match='4 fold'):
        load_fold_file(str(write_folds(tmp_path / 'a.pkl', FOLDS[:3])),
                       (TASK, ))
    with pytest.raises(DataError, match='foreign'):
        load_fold_file(str(write_folds(tmp_path / 'b.pkl',
                                       FOLDS[:3] + [['Suturing_B001']])),
                       (TASK, ))
    evil = tmp_path / 'evil.pkl'
    evil.write_bytes(b'cos\nsystem\n(S"true"\ntR.')
    with pytest.raises(DataError, match='evil.pkl'):
        load_fold_file(str(evil), (TASK, ))


def test_missing_meta_named(tmp_path):
    src = make_tree(tmp_path / 'src')
    (src / 'JIGSAWS' / TASK / f'meta_file_{TASK}.txt').unlink()
    with pytest.raises(DataError, match='meta_file_Knot_Tying'):
        read_jigsaws(str(src), (TASK, ))


def test_cli_one_line_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, 'tools/data/jigsaws/convert_jigsaws.py',
         str(tmp_path / 'nope.tar.xz'), str(tmp_path / 's.pkl'),
         str(tmp_path / 'o.pkl')], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    assert 'nope.tar.xz' in proc.stderr and 'Traceback' not in proc.stderr


def test_real_release(real_data_dir, tmp_path):
    """The real archive, extracted to a temporary folder, and the real
    MUSDL folds: 118 trials, 102 usable, Suturing_G001 skipped by name."""
    src = real_data_dir / 'jigsaws'
    with tarfile.open(src / 'jigsaws_kinematics.tar.xz') as tar:
        tar.extractall(tmp_path / 'x', filter='data')
    out = tmp_path / 'jigsaws.pkl'
    report = convert_jigsaws(str(tmp_path / 'x'),
                             str(src / 'musdl_splits.pkl'), str(out),
                             loso=True)
    assert report.skipped == ['Suturing_G001: scored, but no kinematics file']
    assert report.counts['all'] == 118 and report.counts['scored'] == 102
    data = pickle.loads(out.read_bytes())
    split = data['split']
    per_task = {t: sum(len(split[f'{t}_fold{k}_test']) for k in range(4))
                for t in ('Knot_Tying', 'Needle_Passing', 'Suturing')}
    assert per_task == dict(Knot_Tying=36, Needle_Passing=28, Suturing=38)
    for t in per_task:
        for k in range(4):
            tr, te = split[f'{t}_fold{k}_train'], split[f'{t}_fold{k}_test']
            assert not set(tr) & set(te)
            assert len(tr) + len(te) == per_task[t]
    assert 'Suturing_loso_B_test' in split
    kp = {a['frame_dir']: a['keypoint'].shape for a in data['annotations']}
    assert kp['Suturing_B001'] == (1, 5635, 4, 19)


def test_cli_and_dataset_load(tmp_path, capsys):
    """The script's report names the skip; AQADataset reads a fold split
    (V = 4 manipulators, C = 19) and refuses none of its samples."""
    import importlib.util

    from aqa_mm.datasets import AQADataset
    src = make_tree(tmp_path / 'src', missing=('Knot_Tying_B002', ))
    folds = write_folds(tmp_path / 's.pkl', FOLDS)
    out = tmp_path / 'out.pkl'
    path = ROOT / 'tools' / 'data' / 'jigsaws' / 'convert_jigsaws.py'
    spec = importlib.util.spec_from_file_location('convert_jigsaws', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main([str(src), str(folds), str(out), '--tasks', TASK, '--loso'])
    printed = capsys.readouterr().out
    assert printed.startswith(f'wrote {out} (all 4, scored 3')
    assert 'Knot_Tying_B002: scored, but no kinematics file' in printed
    dataset = AQADataset(str(out), pipeline=[], split=f'{TASK}_fold0_train',
                         num_keypoints=4, range_split=f'{TASK}_fold0_train')
    assert len(dataset) == 2
    assert dataset[0]['keypoint'].shape[2:] == (4, 19)
    assert f'{TASK}_loso_C_test' in pickle.loads(out.read_bytes())['split']
