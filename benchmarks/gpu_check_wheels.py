"""What benchmarks/gpu_check.sh carries to the GPU machine, and its checks.

The GPU machine (Python 3.12, torch with CUDA, numpy, scipy, OpenCV,
matplotlib, pytest, rich, einops, no network) lacks the OpenMMLab stack and
a few small packages. They travel as files in ``.whl/`` (ignored through
``.git/info/exclude``), the inputs of steps 4 and 6 in ``.gpu_inputs/``:

* wheels: the pins of ``requirements/mminstall.txt`` (mmengine, mmcv-lite,
  mmaction2, mmpose) and :data:`UNPINNED`, each at the version installed
  here (the combination our tests pass with);
* the xtcocotools sdist (no cp312 wheel is published; mmpose.apis imports
  it), built on the GPU machine by the check itself;
* ``.gpu_inputs/CTR-GCN/model/ctrgcn.py`` (the official CTR-GCN model file,
  CC BY-NC 4.0, never committed) and ``.gpu_inputs/videos/*.mp4``.

    python benchmarks/gpu_check_wheels.py --download   # fill .whl/ here
    python benchmarks/gpu_check_wheels.py --check      # list what is wrong
"""
import argparse
import importlib.metadata as metadata
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
WHEEL_DIR = ROOT / '.whl'
INPUT_DIR = ROOT / '.gpu_inputs'
CTRGCN_FILE = INPUT_DIR / 'CTR-GCN' / 'model' / 'ctrgcn.py'
VIDEO_DIR = INPUT_DIR / 'videos'
LIMIT_MIB = 64  # the device tool's limit on the tree that travels
# What our code or the mm packages import that the GPU machine lacks
# (/work/.library/device/KINDS.md lists what it has). setuptools < 81 brings
# pkg_resources (mmpose.apis -> mmengine.utils.get_installed_path); it is
# installed there only when the machine's setuptools has no pkg_resources.
UNPINNED = ('decord', 'addict', 'yapf', 'platformdirs', 'termcolor',
            'json-tricks', 'munkres', 'setuptools')
SDISTS = ('xtcocotools', )
PLATFORMS = ('manylinux_2_28_x86_64', 'manylinux_2_27_x86_64',
             'manylinux_2_17_x86_64', 'manylinux2014_x86_64',
             'manylinux2010_x86_64', 'manylinux1_x86_64')


def norm(name: str) -> str:
    """PEP 503 name, with '_' as wheel file names spell it."""
    return re.sub(r'[-_.]+', '_', name).lower()


def pins(path: Path = ROOT / 'requirements' / 'mminstall.txt'
         ) -> Dict[str, str]:
    """``name==version`` lines of a requirements file."""
    found = {}
    for line in path.read_text().splitlines():
        m = re.fullmatch(r'\s*([A-Za-z0-9_.-]+)==([^\s;#]+)\s*', line)
        if m:
            found[m.group(1)] = m.group(2)
    return found


def required() -> Dict[str, str]:
    """Distribution -> version of every file that must be in ``.whl/``.

    Raises:
        RuntimeError: An unpinned package is not installed here.
    """
    want = pins()
    for name in UNPINNED:
        try:
            want[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            raise RuntimeError(f'{name} is not installed here: run '
                               'tools/setup_env.sh first') from None
    return want


def dist_of(filename: str) -> Optional[tuple]:
    """(normalised name, version) of a wheel or sdist file name."""
    m = re.fullmatch(r'([A-Za-z0-9_.]+?)-(\d[^-]*?)(-.*\.whl|\.tar\.gz|\.zip)',
                     filename)
    return (norm(m.group(1)), m.group(2)) if m else None


def check_folder(wheel_dir: Path, want: Dict[str, str]) -> List[str]:
    """Problems with ``wheel_dir``: one line each, empty when it is right.

    Every wanted distribution must be there once, at its version (a wheel,
    or an sdist for :data:`SDISTS`); a second version of one stops the
    whole ``pip install`` there, and so is a problem too.
    """
    if not wheel_dir.is_dir():
        return [f'{wheel_dir} is missing: run benchmarks/gpu_prepare.sh']
    have: Dict[str, List[str]] = {}
    for f in sorted(os.listdir(wheel_dir)):
        dist = dist_of(f)
        if dist:
            have.setdefault(dist[0], []).append(f)
    problems = []
    for name, version in want.items():
        files = have.get(norm(name), [])
        kind = 'sdist' if name in SDISTS else 'wheel'
        if not files:
            problems.append(f'{wheel_dir.name}/: no {kind} of '
                            f'{name}=={version}')
        elif len(files) > 1:
            problems.append(f'{wheel_dir.name}/: {len(files)} files of {name} '
                            f'({", ".join(files)}); keep one')
        elif dist_of(files[0])[1] != version:
            problems.append(f'{wheel_dir.name}/{files[0]}: want {name}=='
                            f'{version}')
    return problems


def travel_mib(carried=(WHEEL_DIR, INPUT_DIR)) -> Optional[float]:
    """MiB of what a device call sends: tracked and untracked-not-ignored
    files of the repository plus the ``carried`` folders (None outside a
    git checkout, e.g. on the GPU machine's copy of the tree)."""
    try:
        out = subprocess.run(
            ['git', 'ls-files', '-z', '--cached', '--others',
             '--exclude-standard'], cwd=ROOT, capture_output=True,
            check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return None
    files = {ROOT / f for f in out.split('\0') if f}
    for folder in carried:
        if folder.is_dir():
            files.update(p for p in folder.rglob('*') if p.is_file())
    return sum(p.stat().st_size for p in files if p.is_file()) / 2**20


def download(want: Dict[str, str], wheel_dir: Path = WHEEL_DIR) -> None:
    """``pip download`` every wanted file for CPython 3.12 manylinux."""
    wheel_dir.mkdir(exist_ok=True)
    platforms = [a for p in PLATFORMS for a in ('--platform', p)]
    for name, version in want.items():
        binary = (['--no-binary=:all:'] if name in SDISTS else
                  ['--only-binary=:all:', '--python-version', '3.12',
                   '--implementation', 'cp', *platforms])
        subprocess.run([sys.executable, '-m', 'pip', 'download', '-q',
                        '--no-deps', *binary, '-d', str(wheel_dir),
                        f'{name}=={version}'], check=True)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument('--download', action='store_true',
                       help='fill .whl/ (needs the package registry)')
    group.add_argument('--check', action='store_true',
                       help='print what is missing; exit 1 if anything is')
    args = parser.parse_args(argv)
    try:
        want = required()
    except RuntimeError as exc:
        sys.exit(f'gpu_check_wheels.py: error: {exc}')
    if args.download:
        download(want)
    problems = check_folder(WHEEL_DIR, want)
    for path, what in ((CTRGCN_FILE, 'the official CTR-GCN model file '
                        '(step 4 runs without it)'),
                       (VIDEO_DIR, 'the real video folder (step 6)')):
        if not path.exists():
            problems.append(f'{path.relative_to(ROOT)} is missing: {what}')
    size = travel_mib() or 0.0
    if size > LIMIT_MIB:
        problems.append(f'{size:.1f} MiB would travel, over {LIMIT_MIB} MiB')
    print('\n'.join(problems) or f'.whl/ complete; {size:.1f} MiB travels '
          f'(limit {LIMIT_MIB} MiB)')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
