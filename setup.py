"""Installs aqa_mm. Use ``bash tools/setup_env.sh`` for the full, pinned stack;
the OpenMMLab packages need special install flags (see requirements/)."""
import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_version() -> str:
    text = (HERE / 'aqa_mm' / 'version.py').read_text()
    return re.search(r"__version__ = '([^']+)'", text).group(1)


def parse_requirements(name: str) -> list:
    """Package lines of ``requirements/<name>``, without comments."""
    lines = (HERE / 'requirements' / name).read_text().splitlines()
    return [ln.split('#')[0].strip() for ln in lines
            if ln.split('#')[0].strip() and not ln.startswith('-')]


setup(
    name='aqa_mm',
    version=read_version(),
    description='Action quality assessment toolkit (2M-AF, ACM MM 2024) '
                'on mmengine / mmaction2 / mmpose',
    long_description=(HERE / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    python_requires='>=3.9',
    packages=find_packages(exclude=(
        'tests', 'tests.*', 'projects', 'projects.*', 'benchmarks',
        'benchmarks.*', 'tools', 'tools.*', 'configs', 'configs.*')),
    install_requires=parse_requirements('runtime.txt')
    + parse_requirements('mminstall.txt'),
    extras_require=dict(tests=parse_requirements('tests.txt'),
                        optional=parse_requirements('optional.txt')),
    zip_safe=False,
)
