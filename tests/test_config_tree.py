"""The layout of ``configs/``: short inheritance chains on leaf ``_base_``
files, and a README.md plus an mmaction2-style metafile.yml in every config
folder whose ``Config`` paths exist."""
import ast
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / 'configs'
# Classification configs of the transfer study (they are not AQA configs and
# are documented with the study, not in a configs/ folder README).
TRANSFER = CONFIGS / 'sme_gcn' / 'transfer'
MAX_HOPS = 2


def _is_base(path):
    return '_base_' in path.relative_to(CONFIGS).parts


def _own_configs():
    return sorted(p for p in CONFIGS.rglob('*.py')
                  if not _is_base(p) and TRANSFER not in p.parents)


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


def _folders():
    """Top-level config folders (``configs/<name>/``), without ``_base_``."""
    return sorted({p.relative_to(CONFIGS).parts[0] for p in _own_configs()})


def test_base_files_are_leaves():
    leaves = [p for p in CONFIGS.rglob('*.py')
              if _is_base(p) and TRANSFER not in p.parents]
    assert leaves
    for path in leaves:
        assert not base_files(path), f'{path.relative_to(ROOT)} has _base_'


@pytest.mark.parametrize(
    'path', _own_configs(),
    ids=[str(p.relative_to(ROOT)) for p in _own_configs()])
def test_at_most_two_base_hops(path):
    for base in base_files(path):
        assert base.is_file(), f'{path.relative_to(ROOT)}: no {base}'
    assert hops(path) <= MAX_HOPS, f'{path.relative_to(ROOT)}: {hops(path)}'


@pytest.mark.parametrize('folder', _folders())
def test_folder_has_readme_and_metafile(folder):
    readme = CONFIGS / folder / 'README.md'
    assert readme.is_file(), f'configs/{folder}/README.md is missing'
    meta = yaml.safe_load((CONFIGS / folder / 'metafile.yml').read_text(
        encoding='utf-8'))
    collections = {c['Name'] for c in meta['Collections']}
    for c in meta['Collections']:
        assert (ROOT / c['README']).is_file(), c['README']
    names = [m['Name'] for m in meta['Models']]
    assert len(names) == len(set(names)), 'duplicate model names'
    for model in meta['Models']:
        assert (ROOT / model['Config']).is_file(), model['Config']
        assert model['Config'].startswith(f'configs/{folder}/')
        assert model['In Collection'] in collections, model['Name']
        assert Path(model['Config']).stem == model['Name']
