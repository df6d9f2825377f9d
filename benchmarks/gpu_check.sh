#!/usr/bin/env bash
# The GPU check of issue 17: install the wheels that travel in .whl/, then
# run benchmarks/gpu_check.py's steps (tests on CUDA, training fp32 / --amp,
# dist_train.sh on NCCL, encoder and I3D throughput, pose extraction,
# feature caching), each timed; results in OUT_DIR (4 files).
#   bash benchmarks/gpu_check.sh OUT_DIR [--dry-run [--checks-only]] [--only STEP...]
# On the GPU machine: python3 there holds torch with CUDA; the wheels go to
# /tmp/site (--target, no network), aqa_mm is this working tree
# (PYTHONPATH: the machine is bare and given back after the call, so nothing
# is installed into its environment). setuptools < 81 (pkg_resources, which
# mmpose.apis needs through mmengine; distutils on Python 3.12) is installed
# only if the machine lacks either. --dry-run runs on this CPU machine, in
# the project's venv.
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
PY=${AQA_PY:-python3}
SITE=/tmp/site
LOG=/tmp/gpu_check_install.log
start=$(date +%s%N)
wheels=()
for w in .whl/*.whl; do
    [[ $w == .whl/setuptools-* ]] || wheels+=("$w")
done
"$PY" -c 'import pkg_resources, distutils' 2>/dev/null \
    || wheels+=(.whl/setuptools-*.whl)
"$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
    --upgrade --target "$SITE" "${wheels[@]}" > "$LOG" 2>&1
echo "pip install: rc $? in $(( ($(date +%s%N) - start) / 1000000 )) ms" >> "$LOG"
export PYTHONPATH="$SITE:$ROOT${PYTHONPATH:+:$PYTHONPATH}"
# Python 3.12 has no distutils, and mmengine's collect_env (run by every
# Runner) imports it. setuptools provides it through a .pth file, which is
# not read from a --target folder, so a sitecustomize.py adds the same shim.
if ! "$PY" -c 'import distutils' 2>/dev/null; then
    echo "__import__('_distutils_hack').add_shim()" > "$SITE/sitecustomize.py"
    echo "distutils: setuptools' shim through $SITE/sitecustomize.py" >> "$LOG"
fi
exec "$PY" benchmarks/gpu_check.py "$OUT" --install-log "$LOG" "$@"
