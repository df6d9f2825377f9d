"""tools/import_feature_sequences.py on a tiny Fis-V-format set (its main(),
in-process: a subprocess would spend its time importing torch)."""
import importlib.util
import pickle
import sys
from pathlib import Path

import pytest

from tests.datasets.fisv_fixture import LENGTHS, make_fisv_raw

ROOT = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location(
    'import_feature_sequences', ROOT / 'tools' / 'import_feature_sequences.py')
tool = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(tool)


def _run(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, 'argv', ['import_feature_sequences.py',
                                      *map(str, args)])
    code = 0
    try:
        tool.main()
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_imports_tes_then_pcs(tmp_path, monkeypatch, capsys):
    raw = make_fisv_raw(tmp_path / 'raw')
    out = tmp_path / 'out'
    common = [raw['features'], '--labels', f"train={raw['train']}",
              '--labels', f"test={raw['test']}", '--out-dir', out]
    code, stdout, err = _run(monkeypatch, capsys, *common, '--score', 'TES')
    assert code == 0, err
    assert f'{len(LENGTHS)} feature files (0 kept)' in stdout
    assert 'train: 5 samples, T 4-12' in stdout
    code, stdout, err = _run(monkeypatch, capsys, *common, '--score', 'PCS')
    assert code == 0, err
    assert f'0 feature files ({len(LENGTHS)} kept)' in stdout
    ann = pickle.loads((out / 'fisv_pcs.pkl').read_bytes())
    first = raw['train'].read_text().split()[:3]
    assert ann['annotations'][0]['score'] == float(first[2])
    assert sorted(ann['split']) == ['test', 'train']


@pytest.mark.parametrize('args,message', [
    (['--labels', 'train'], "--labels 'train': expected SPLIT=FILE"),
    (['--labels', 'train=missing.txt'], 'label file not found: missing.txt'),
])
def test_errors_are_one_line(tmp_path, monkeypatch, capsys, args, message):
    raw = make_fisv_raw(tmp_path / 'raw')
    code, _, err = _run(monkeypatch, capsys, raw['features'], *args,
                        '--out-dir', tmp_path / 'out')
    assert code == 2
    assert err.strip() == f'import_feature_sequences.py: error: {message}'
