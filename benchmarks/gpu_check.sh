#!/usr/bin/env bash
# The GPU check of issue 17: install the wheels that travel in .whl/, then
# run benchmarks/gpu_check.py's steps (tests on CUDA, training fp32 / --amp,
# dist_train.sh on NCCL, encoder and I3D throughput, pose extraction,
# feature caching), each timed; results in OUT_DIR (4 files).
#   bash benchmarks/gpu_check.sh OUT_DIR [--dry-run [--checks-only]] [--only STEP...]
# On the GPU machine, benchmarks/gpu_env.sh installs the wheels into
# /tmp/site and sets PYTHONPATH (aqa_mm is this working tree). --dry-run
# runs on this CPU machine, in the project's venv.
# Fill .whl/ and .gpu_inputs/ first with benchmarks/gpu_prepare.sh; see
# DEVELOPERS.md.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OUT=${1:?usage: gpu_check.sh OUT_DIR [--dry-run [--checks-only]] [--only STEP...]}
shift
mkdir -p "$OUT"
if [[ " $* " == *" --dry-run "* ]]; then
    PY=${AQA_PY:-python}
    [[ -x .venv/bin/python && -z "${VIRTUAL_ENV:-}" ]] && PY=.venv/bin/python
    exec "$PY" benchmarks/gpu_check.py "$OUT" "$@"
fi
source benchmarks/gpu_env.sh /tmp/gpu_check_install.log
exec "$PY" benchmarks/gpu_check.py "$OUT" --install-log "$LOG" "$@"
