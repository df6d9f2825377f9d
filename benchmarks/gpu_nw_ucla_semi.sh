#!/usr/bin/env bash
# The long NW-UCLA pretraining of issue 16 on the lent GPU, in one call:
# install the wheels that travel in .whl/ (benchmarks/gpu_env.sh), then run
# benchmarks/gpu_nw_ucla_semi.py: bench_nw_ucla_semi.py's steps in priority
# order (pretraining faithful and view_aug_projector to epoch 13, then
# finetuned vs scratch on 10, 5, 100 % of the labels), several at a time,
# none started that would not end before --budget-s (default 540) less the
# report's reserve; the report at the end. Results in OUT_DIR (7 files).
#   bash benchmarks/gpu_nw_ucla_semi.sh OUT_DIR [--dry-run] [--print-plan]
#       [--budget-s N] [--lanes N] [--threads N] [--work DIR]
# data/nw_ucla/nw_ucla_xview.pkl (ignored) travels with carry; --dry-run
# and --print-plan run on this CPU machine, in the project's venv. See
# DEVELOPERS.md.
set -uo pipefail
T0=$(date +%s.%N)
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OUT=${1:?usage: gpu_nw_ucla_semi.sh OUT_DIR [--dry-run] [--budget-s N] ...}
shift
if [[ " $* " == *" --dry-run "* || " $* " == *" --print-plan "* ]]; then
    PY=${AQA_PY:-python}
    [[ -x .venv/bin/python && -z "${VIRTUAL_ENV:-}" ]] && PY=.venv/bin/python
    exec "$PY" benchmarks/gpu_nw_ucla_semi.py "$OUT" --t0 "$T0" "$@"
fi
mkdir -p "$OUT"
source benchmarks/gpu_env.sh /tmp/gpu_nw_ucla_semi_install.log
exec "$PY" benchmarks/gpu_nw_ucla_semi.py "$OUT" --t0 "$T0" \
    --install-log "$LOG" "$@"
