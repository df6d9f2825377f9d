"""The front door stays a front door: a short README whose two quick-start
commands are the CI's, links that resolve, and a product that speaks of
itself only (no build history, no path of the machine it was made on)."""
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ('README.md', 'CONTRIBUTING.md', 'setup.py', 'docs', 'aqa_mm',
           'tools', 'configs', 'projects', 'benchmarks', 'requirements')
# what a user cannot see and the product must not speak of
HISTORY = re.compile(
    r'(?<!new_)\bsessions?\b|\bissues? ?#?\d+|this checkout|this machine|'
    r'\blent\b|device time|\.\./shared|/(work|tmp|home)/',
    re.IGNORECASE)
LINK = re.compile(r'\]\(([^)\s]+)\)')


def _tracked(*paths: str) -> list:
    out = subprocess.run(['git', 'ls-files', *paths], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return [ROOT / p for p in out.splitlines() if (ROOT / p).is_file()]


@pytest.fixture(scope='module')
def markdown():
    return [p for p in _tracked('*.md')
            if not p.is_relative_to(ROOT / 'tests')]


def test_readme_is_short_and_its_test_command_is_the_ci_s():
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    assert len(readme.splitlines()) <= 250
    quick = readme.split('## Quick start', 1)[1].split('\n## ', 1)[0]
    commands = re.findall(r'^(bash \S+)', quick, re.MULTILINE)
    assert commands == ['bash tools/quickstart.sh', 'bash tools/run_tests.sh']
    assert 'bash tools/run_tests.sh' in (ROOT / '.ci' / 'run').read_text()


def test_every_relative_link_resolves(markdown):
    broken = []
    for page in markdown:
        text = page.read_text(encoding='utf-8')
        for target in LINK.findall(text):
            if re.match(r'[a-z]+:|#|mailto:', target):
                continue
            path = (page.parent / target.split('#')[0]).resolve()
            if not path.exists():
                broken.append(f'{page.relative_to(ROOT)} -> {target}')
    assert not broken, broken


def test_product_speaks_of_itself_only():
    found = []
    for path in _tracked(*PRODUCT):
        if path.suffix in ('.png', '.jpg', '.pkl', '.pth', '.mp4'):
            continue
        text = path.read_text(encoding='utf-8', errors='replace')
        for i, line in enumerate(text.splitlines()):
            if HISTORY.search(line):
                found.append(f'{path.relative_to(ROOT)}:{i + 1}: '
                             f'{line.strip()[:80]}')
    assert not found, found


def test_no_tracked_file_names_a_machine_path():
    machine = re.compile(r'/(work|home)/\w|["\']/(tmp)/')
    found = [str(p.relative_to(ROOT)) for p in _tracked()
             if p.suffix not in ('.png', '.jpg', '.pkl', '.pth', '.mp4')
             and machine.search(p.read_text(encoding='utf-8',
                                            errors='replace'))]
    assert not found, found
