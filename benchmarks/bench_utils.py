"""What the benchmarks share: the ``--device`` / ``--amp`` options, timing
on CPU or CUDA, and what a results JSON records about its run.

The scripts import it as ``bench_utils`` (run as ``python
benchmarks/<script>.py``, their folder is on ``sys.path``) or as
``benchmarks.bench_utils`` (imported as ``benchmarks.<script>``, e.g. by the
tests).
"""
import argparse
import datetime
import json
import os
import platform
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, ContextManager, Optional, Sequence

import torch

from aqa_mm.utils.io import atomic_write_text
from aqa_mm.utils.run_record import relative_command
from aqa_mm.utils.run_record import relative_path as relative

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / 'benchmarks' / 'results'


def add_device_args(parser: argparse.ArgumentParser, amp: Optional[str],
                    only_cpu: Optional[str] = None) -> None:
    """Add ``--device`` (default cpu) and, if ``amp`` says what it does,
    ``--amp``.

    Args:
        parser (ArgumentParser): The script's parser.
        amp (str, optional): Help of ``--amp``; None: no ``--amp``.
        only_cpu (str, optional): Why only ``cpu`` is accepted (the measured
            code has no GPU path); None: cpu, cuda or cuda:N.
    """
    parser.add_argument('--device', default='cpu',
                        help=f'cpu only: {only_cpu}' if only_cpu
                        else 'cpu, cuda or cuda:N (default cpu)')
    if amp:
        parser.add_argument('--amp', action='store_true', help=amp)


def check_device(parser: argparse.ArgumentParser, device: str,
                 only_cpu: Optional[str] = None) -> torch.device:
    """``device`` as a torch device; a one-line parser error when the
    script runs on the CPU only (``only_cpu`` says why) or CUDA is
    missing."""
    if only_cpu and device != 'cpu':
        parser.error(f'--device {device}: {only_cpu}')
    if device.startswith('cuda') and not torch.cuda.is_available():
        parser.error(f'--device {device}: CUDA is not available here')
    try:
        return torch.device(device)
    except RuntimeError as exc:
        parser.error(f'--device {device}: {exc}')


def synchronize(device: torch.device) -> None:
    """Wait for the device's queued kernels (no-op on CPU)."""
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def seconds(fn: Callable[[], object],
            device: torch.device = torch.device('cpu')) -> float:
    """Wall time of one call of ``fn``, its kernels included."""
    synchronize(device)
    start = time.perf_counter()
    fn()
    synchronize(device)
    return time.perf_counter() - start


def autocast(device: torch.device, enabled: bool = True) -> ContextManager:
    """AMP: float16 autocast on CUDA, bfloat16 on CPU (or nothing)."""
    if not enabled:
        return nullcontext()
    dtype = torch.float16 if device.type == 'cuda' else torch.bfloat16
    return torch.autocast(device.type, dtype=dtype)


def peak_memory_mb(fn: Callable[[], object],
                   device: torch.device) -> Optional[float]:
    """Peak CUDA memory allocated during one call of ``fn``, in MiB (None
    on CPU)."""
    if device.type != 'cuda':
        return None
    synchronize(device)
    torch.cuda.reset_peak_memory_stats(device)
    fn()
    synchronize(device)
    return torch.cuda.max_memory_allocated(device) / 2**20


def device_name(device: torch.device, threads: int) -> str:
    """``'<threads> threads'`` on CPU, the card's name on CUDA."""
    if device.type == 'cuda':
        return torch.cuda.get_device_name(device)
    return f'{threads} threads'


def command(script: str, argv: Sequence[str]) -> str:
    """The command line of this run, relative to the repository root
    (absolute paths among the arguments as :func:`relative` names them)."""
    return relative_command(f'python {relative(script)}', argv)


def run_meta(script: str, argv: Sequence[str]) -> dict:
    """Command, date and machine of a run, for its results JSON."""
    return dict(command=command(script, argv),
                date=datetime.datetime.now().isoformat(timespec='seconds'),
                torch=torch.__version__, machine=platform.machine(),
                cpus=os.cpu_count())


def write_json(record: dict, out: str) -> None:
    """Write ``record`` to ``out`` atomically and say where."""
    atomic_write_text(json.dumps(record, indent=2) + '\n', out)
    inside = Path(out).resolve().is_relative_to(ROOT)
    print(f'\nwritten to {relative(out) if inside else out}')
