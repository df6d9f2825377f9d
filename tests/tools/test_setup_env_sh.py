"""tools/setup_env.sh's options, through --help and --dry-run (which print
the pip commands and install nothing): the offline wheelhouse install, the
wheelhouse build, refused arguments, and AQA_WHEELHOUSE when sourced."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / 'tools' / 'setup_env.sh'
REQUIREMENTS = ('runtime.txt', 'mminstall.txt', 'models.txt', 'tests.txt')


def _run(args, tmp_path, sourced=False, **env):
    """The script with a made-up active venv (nothing real is touched)."""
    env = dict({k: v for k, v in os.environ.items()
                if k not in ('CONDA_PREFIX', 'AQA_WHEELHOUSE')},
               VIRTUAL_ENV=str(tmp_path / 'env'), **env)
    argv = (['bash', '-c', f'source {SCRIPT} "$@"', 'sh', *args] if sourced
            else ['bash', str(SCRIPT), *args])
    return subprocess.run(argv, capture_output=True, text=True, env=env,
                          timeout=60)


def _commands(proc):
    assert proc.returncode == 0, proc.stderr
    return [line[2:] for line in proc.stdout.splitlines()
            if line.startswith('+ ')]


def test_help_names_the_offline_options(tmp_path):
    proc = _run(['--help'], tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.startswith('Creates or reuses a Python environment')
    for option in ('--wheelhouse DIR', '--build-wheelhouse DIR', '--dry-run',
                   'AQA_WHEELHOUSE'):
        assert option in proc.stdout
    assert not (tmp_path / 'env').exists()


def test_wheelhouse_installs_without_the_index(tmp_path):
    wheels = tmp_path / 'wheels'
    commands = _commands(_run(['--wheelhouse', str(wheels), '--dry-run'],
                              tmp_path))
    installs = [c for c in commands if ' -m pip install ' in c]
    assert len(installs) == 5  # the four files, then aqa_mm itself
    for name, command in zip(REQUIREMENTS, installs):
        assert command.endswith(f'requirements/{name}')
    assert all(f'--no-index --find-links {wheels} ' in c for c in installs)
    # the wheelhouse holds the xtcocotools built from source: use it
    assert not any('--no-binary' in c for c in commands)
    assert not wheels.exists() and not (tmp_path / 'env').exists()


def test_build_wheelhouse_wheels_every_requirements_file(tmp_path):
    wheels = tmp_path / 'wheels'
    commands = _commands(_run(['--build-wheelhouse', str(wheels),
                               '--dry-run'], tmp_path))
    installs = [c for c in commands if ' -m pip install ' in c]
    builds = [c for c in commands if ' -m pip wheel ' in c]
    assert len(installs) == 5 and not any('--no-index' in c for c in installs)
    assert len(builds) == 4
    for name, command in zip(REQUIREMENTS, builds):
        assert f'-w {wheels} ' in command
        assert command.endswith(f'requirements/{name}')
    assert '--no-binary xtcocotools' in builds[1]
    assert '--no-deps' in builds[2] and '--no-deps' not in builds[3]
    assert not wheels.exists()


def test_bad_arguments_are_refused_in_one_line(tmp_path):
    for args, message in (
            (['--bogus'], 'unknown argument: --bogus'),
            (['--wheelhouse'], '--wheelhouse needs a folder'),
            (['--wheelhouse', 'a', '--build-wheelhouse', 'b'],
             'exclude each other'),
            (['--wheelhouse', str(tmp_path / 'none')],
             f'wheelhouse not found: {tmp_path / "none"}')):
        proc = _run(args, tmp_path)
        assert proc.returncode == 2, args
        assert message in proc.stderr and len(proc.stderr.splitlines()) == 1


def test_sourced_it_reads_aqa_wheelhouse_not_the_callers_arguments(
        tmp_path):
    proc = _run(['--bogus', '-k', 'x'], tmp_path, sourced=True,
                AQA_WHEELHOUSE=str(tmp_path / 'none'))
    assert proc.returncode == 2
    assert 'wheelhouse not found' in proc.stderr
    assert 'unknown argument' not in proc.stderr
