"""The layout of ``configs/``: short inheritance chains on leaf ``_base_``
files, and a README.md plus an mmaction2-style metafile.yml in every config
folder, whose ``Config`` paths exist."""
import ast
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / 'configs'
MAX_HOPS = 2


def _is_base(path):
    return '_base_' in path.relative_to(CONFIGS).parts


def _rel(path):
    return str(path.relative_to(ROOT))


def base_files(path):
    """The ``_base_`` files of a config, resolved against its folder.

    Args:
        path (Path): A config file.

    Returns:
        list[Path]: Its ``_base_`` entries (empty without ``_base_``).
    """
    tree = ast.parse(path.read_text(encoding='utf-8'), filename=str(path))
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == '_base_'):
            bases = ast.literal_eval(node.value)
            bases = [bases] if isinstance(bases, str) else bases
            return [(path.parent / b).resolve() for b in bases]
    return []


def hops(path):
    """Length of the longest ``_base_`` chain above a config.

    Args:
        path (Path): A config file.

    Returns:
        int: 0 for a config without ``_base_``, else 1 + its bases' maximum.
    """
    return max((1 + hops(b) for b in base_files(path)), default=0)


CONFIG_FILES = sorted(p for p in CONFIGS.rglob('*.py') if not _is_base(p))
BASE_FILES = sorted(p for p in CONFIGS.rglob('*.py') if _is_base(p))
# the model folders: configs/<name>/ (their sub-folders may be covered by
# the parent's README and metafile)
FOLDERS = sorted({p.relative_to(CONFIGS).parts[0] for p in CONFIG_FILES})
METAFILES = sorted(CONFIGS.rglob('metafile.yml'))


def test_there_are_configs_and_bases():
    assert CONFIG_FILES and BASE_FILES and METAFILES


@pytest.mark.parametrize('path', BASE_FILES, ids=[_rel(p) for p in BASE_FILES])
def test_base_files_are_leaves(path):
    assert not base_files(path), f'{_rel(path)} has a _base_ of its own'


@pytest.mark.parametrize('path', CONFIG_FILES,
                         ids=[_rel(p) for p in CONFIG_FILES])
def test_at_most_two_base_hops(path):
    for base in base_files(path):
        assert base.is_file(), f'{_rel(path)}: no {base}'
    assert hops(path) <= MAX_HOPS, f'{_rel(path)}: {hops(path)} hops'


@pytest.mark.parametrize('folder', FOLDERS)
def test_folder_has_readme_and_metafile(folder):
    assert (CONFIGS / folder / 'README.md').is_file()
    assert (CONFIGS / folder / 'metafile.yml').is_file()


@pytest.mark.parametrize('path', METAFILES, ids=[_rel(p) for p in METAFILES])
def test_metafile_names_existing_configs(path):
    meta = yaml.safe_load(path.read_text(encoding='utf-8'))
    collections = {c['Name'] for c in meta['Collections']}
    for collection in meta['Collections']:
        assert (ROOT / collection['README']).is_file(), collection['README']
    names = [m['Name'] for m in meta['Models']]
    assert len(names) == len(set(names)), f'{_rel(path)}: duplicate names'
    folder = path.parent.relative_to(ROOT).as_posix() + '/'
    for model in meta['Models']:
        config = model['Config']
        assert (ROOT / config).is_file(), f'{_rel(path)}: no {config}'
        assert config.startswith(folder), f'{_rel(path)}: {config}'
        assert Path(config).stem == model['Name'], config
        assert model['In Collection'] in collections, model['Name']


def test_every_config_is_in_a_metafile():
    listed = set()
    for path in METAFILES:
        meta = yaml.safe_load(path.read_text(encoding='utf-8'))
        listed |= {model['Config'] for model in meta['Models']}
    missing = [_rel(p) for p in CONFIG_FILES if _rel(p) not in listed]
    assert not missing, f'configs without a metafile entry: {missing}'
