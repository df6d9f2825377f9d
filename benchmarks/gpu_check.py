"""Run the GPU check's steps, each timed, and write what they gave.

Called by benchmarks/gpu_check.sh (which installs the wheels first)::

    python benchmarks/gpu_check.py OUT_DIR [--dry-run [--checks-only]]
        [--only STEP ...] [--deadline-s 470] [--work DIR] [--install-log FILE]

Writes at most four files into OUT_DIR, none in folders (the device tool
brings back 8 files at most): ``gpu_check.json`` (environment, every
step's commands, status, seconds, error tail and metrics),
``gpu_check.log`` (every command's output, one after the other),
``gpu_check.md`` (one line per step) and ``work.tar.gz`` (the benchmark
JSONs, training scalars, test XML and poses; no checkpoints). Work files
go to a fresh temporary folder. A failed or timed-out step is recorded and
the next one runs; a step that would start past the deadline is skipped.

``--dry-run`` (CPU): checks the wheel folder and the size of what travels,
runs every step's checks (tools' ``--help``, configs with the steps'
``--cfg-options``, ``pytest --collect-only``), then the steps in their
tiny CPU mode; ``--checks-only`` stops after the checks. Exit status: 0
when every step (or check) passed, 1 otherwise.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import gpu_check_wheels as wheels
from gpu_check_metrics import headline
from gpu_check_steps import Command, Context, Step, build_steps

ROOT = Path(__file__).resolve().parents[1]
XTCOCOTOOLS_SITE = Path('/tmp/site_xtcocotools')
LOG_CHARS = 200_000  # per command, in gpu_check.log (head and tail kept)


def run_command(cmd: Command, timeout: float, work: Path,
                log) -> Tuple[Dict[str, object], str]:
    """Run ``cmd`` in the repository root; kill its process group at
    ``timeout``. Its output goes to ``log`` (shortened) and comes back."""
    env = dict(os.environ, PYTHONUNBUFFERED='1', **cmd.env)
    out_path = work / 'logs' / f'{cmd.label.replace(" ", "_")}.log'
    out_path.parent.mkdir(exist_ok=True)
    start = time.perf_counter()
    with open(out_path, 'w') as out:
        proc = subprocess.Popen(cmd.argv, cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            rc, status = proc.wait(timeout=max(timeout, 1)), None
        except subprocess.TimeoutExpired:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(proc.pid, sig)
                    proc.wait(timeout=10)
                    break
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    continue
            rc, status = proc.returncode, 'timeout'
    seconds = time.perf_counter() - start
    text = out_path.read_text(errors='replace')
    shown = text if len(text) <= LOG_CHARS else (
        text[:LOG_CHARS // 4] + '\n[... cut ...]\n'
        + text[-LOG_CHARS * 3 // 4:])
    log.write(f'\n===== {cmd.label} (rc {rc}, {seconds:.1f} s): '
              f'{" ".join(cmd.argv)[:1000]}\n{shown}\n')
    log.flush()
    result = dict(label=cmd.label, argv=cmd.argv, rc=rc,
                  seconds=round(seconds, 2),
                  status=status or ('ok' if rc == 0 else 'failed'))
    if result['status'] != 'ok':
        result['error'] = text.strip().splitlines()[-15:]
    return result, text


def run_step(step: Step, commands: List[Command], deadline: float,
             work: Path, log, precheck: Optional[str] = None) -> dict:
    """Run ``commands`` of ``step`` within its budget and the deadline."""
    record = dict(name=step.name, what=step.what, budget_s=step.budget_s,
                  commands=[])
    left = deadline - time.monotonic()
    if precheck or left < min(step.budget_s, 20):
        record.update(status='skipped', reason=precheck or
                      f'only {left:.0f} s left before the deadline')
        return record
    end = time.monotonic() + min(step.budget_s, left)
    start, outputs = time.perf_counter(), {}
    for cmd in commands:
        if cmd.skip:
            record['commands'].append(dict(label=cmd.label, status='skipped',
                                           reason=cmd.skip))
            continue
        result, outputs[cmd.label] = run_command(
            cmd, end - time.monotonic(), work, log)
        record['commands'].append(result)
    record['seconds'] = round(time.perf_counter() - start, 2)
    states = {c['status'] for c in record['commands']}
    record['status'] = ('timeout' if 'timeout' in states else 'failed'
                        if 'failed' in states else 'ok')
    try:
        record['metrics'] = step.metrics(work, outputs)
    except Exception as exc:  # one bad output must not hide the others
        record['metrics_error'] = f'{type(exc).__name__}: {exc}'
    return record


def start_xtcocotools_build(log) -> Optional[subprocess.Popen]:
    """Build the carried xtcocotools sdist in the background (mmpose.apis
    imports it; no cp312 wheel exists). None when nothing is to build."""
    sdists = sorted((wheels.WHEEL_DIR).glob('xtcocotools-*.tar.gz'))
    if not sdists:
        return None
    log.write(f'\n===== building {sdists[0].name} in the background\n')
    return subprocess.Popen(
        [sys.executable, '-m', 'pip', 'install', '-q', '--no-index',
         '--no-deps', '--no-build-isolation', '--no-cache-dir', '--target',
         str(XTCOCOTOOLS_SITE), str(sdists[0])],
        stdout=open(XTCOCOTOOLS_SITE.with_suffix('.log'), 'w'),
        stderr=subprocess.STDOUT, start_new_session=True)


def wait_xtcocotools(build: Optional[subprocess.Popen], timeout: float,
                     log) -> Optional[str]:
    """None when xtcocotools is importable for the pose step, else why not."""
    if build is None:
        return 'no xtcocotools sdist in .whl/ (mmpose.apis imports it)'
    try:
        rc = build.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return f'xtcocotools build still running after {timeout:.0f} s'
    text = XTCOCOTOOLS_SITE.with_suffix('.log').read_text(errors='replace')
    log.write(f'\n===== xtcocotools build (rc {rc})\n{text}\n')
    if rc != 0:
        return ('xtcocotools did not build here, so mmpose.apis cannot be '
                f'imported: {" | ".join(text.strip().splitlines()[-3:])}')
    return None


def environment() -> dict:
    """Python, torch, CUDA device and the versions of the carried stack."""
    import importlib.metadata as md
    import torch
    versions = {}
    for name in ('numpy', 'mmengine', 'mmcv-lite', 'mmaction2', 'mmpose',
                 'decord', 'opencv-python-headless', 'setuptools'):
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = None
    cuda = torch.cuda.is_available()
    return dict(python=sys.version.split()[0], torch=torch.__version__,
                cuda=torch.version.cuda, cuda_available=cuda,
                device=torch.cuda.get_device_name(0) if cuda else None,
                cpus=os.cpu_count(), packages=versions)


def save(out: Path, work: Path, report: dict) -> None:
    """gpu_check.json, gpu_check.md and work.tar.gz in ``out``."""
    (out / 'gpu_check.json').write_text(json.dumps(report, indent=2) + '\n')
    lines = ['| step | status | s | metrics |', '|---|---|---|---|']
    for s in report['steps']:
        why = s.get('reason') or s.get('metrics_error') or headline(
            s['name'], s.get('metrics', {}))
        lines.append(f"| {s['name']} | {s['status']} | {s.get('seconds', '-')}"
                     f" | {why} |")
    (out / 'gpu_check.md').write_text('\n'.join(lines) + '\n')
    keep = ('.json', '.xml', '.pkl', '.txt', '.log', '.md')
    with tarfile.open(out / 'work.tar.gz', 'w:gz') as tar:
        for path in sorted(work.rglob('*')):
            if path.is_file() and path.suffix in keep and \
                    path.stat().st_size < 4 * 2**20:
                tar.add(path, arcname=str(path.relative_to(work)))


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out_dir', type=Path)
    parser.add_argument('--dry-run', action='store_true',
                        help='CPU: checks, then the tiny steps')
    parser.add_argument('--checks-only', action='store_true',
                        help='with --dry-run: no tiny steps')
    parser.add_argument('--only', nargs='+', metavar='STEP',
                        help='run these steps only')
    parser.add_argument('--deadline-s', type=float, default=470,
                        help='no step starts after this many seconds')
    parser.add_argument('--work', type=Path, default=None,
                        help='scratch folder (default: a new temporary one)')
    parser.add_argument('--install-log', type=Path,
                        help='wheel install output, copied into the log')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    deadline = time.monotonic() + args.deadline_s
    args.out_dir.mkdir(parents=True, exist_ok=True)
    work = args.work or Path(tempfile.mkdtemp(prefix='aqa_gpu_check_'))
    work.mkdir(parents=True, exist_ok=True)
    ctrgcn = wheels.CTRGCN_FILE.parents[1]
    ctx = Context(py=sys.executable, work=work, tiny=args.dry_run,
                  video_dir=wheels.VIDEO_DIR,
                  ctrgcn=ctrgcn if wheels.CTRGCN_FILE.is_file() else None)
    steps = build_steps(ctx, None if args.dry_run else XTCOCOTOOLS_SITE)
    known = [s.name for s in steps]
    if args.only and set(args.only) - set(known):
        sys.exit(f'gpu_check.py: error: unknown step(s) '
                 f'{sorted(set(args.only) - set(known))}; known: {known}')
    steps = [s for s in steps if not args.only or s.name in args.only]
    report = dict(mode='dry-run' if args.dry_run else 'gpu', work=str(work),
                  environment=environment(), steps=[],
                  official_ctrgcn=str(ctx.ctrgcn) if ctx.ctrgcn else
                  f'not carried ({wheels.CTRGCN_FILE.relative_to(ROOT)} is '
                  'missing): step throughput times SMEGCN and STGCN only')
    with open(args.out_dir / 'gpu_check.log', 'w') as log:
        if args.install_log and args.install_log.is_file():
            log.write(f'===== wheel install\n{args.install_log.read_text()}')
        build = None if args.dry_run else start_xtcocotools_build(log)
        if args.dry_run:
            report['wheels'] = dict(problems=wheels.check_folder(
                wheels.WHEEL_DIR, wheels.required()),
                travel_mib=wheels.travel_mib(),
                limit_mib=wheels.LIMIT_MIB)
            report['checks'] = [
                dict(step=s.name, **run_command(c, 120, work, log)[0])
                for s in steps for c in s.checks]
        for step in ([] if args.checks_only else steps):
            precheck = (wait_xtcocotools(build, 30, log)
                        if step.name == 'pose' and not args.dry_run else None)
            report['steps'].append(run_step(step, step.commands, deadline,
                                            work, log, precheck))
            print(f"gpu_check: {step.name}: {report['steps'][-1]['status']}",
                  flush=True)
    save(args.out_dir, work, report)
    bad = [s['name'] for s in report['steps'] if s['status'] != 'ok'] + [
        f"check {c['label']}" for c in report.get('checks', [])
        if c['status'] != 'ok'] + report.get('wheels', {}).get('problems', [])
    print((args.out_dir / 'gpu_check.md').read_text())
    print(f'gpu_check: {len(report["steps"])} steps; not ok: {bad or "none"}'
          f'; results in {args.out_dir}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
