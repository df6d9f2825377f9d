#!/usr/bin/env bash
# Fill what benchmarks/gpu_check.sh carries to the GPU machine (run here, on
# the CPU machine, which reaches the package registry):
#   bash benchmarks/gpu_prepare.sh [CTRGCN] [VIDEO]
# .whl/        wheels for CPython 3.12 manylinux + the xtcocotools sdist
#              (list and versions: benchmarks/gpu_check_wheels.py)
# .gpu_inputs/ CTR-GCN/model/ctrgcn.py, copied from CTRGCN: a CTR-GCN
#              checkout or a bare git dir of it (the search tool's fetch of
#              github:Uason-Chen/CTR-GCN gives one); without it step 4 times
#              SMEGCN and STGCN only. videos/: VIDEO (default
#              ${AQA_DATA_DIR:-../shared/data}/videos/demo_skeleton.mp4).
# Both folders are ignored through .git/info/exclude and never committed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY=${AQA_PY:-python}
[[ -x .venv/bin/python && -z "${VIRTUAL_ENV:-}" ]] && PY=.venv/bin/python
EXCLUDE="$(git rev-parse --git-path info/exclude)"
mkdir -p "$(dirname "$EXCLUDE")"
for dir in /.whl/ /.gpu_inputs/; do
    grep -qxF "$dir" "$EXCLUDE" 2>/dev/null || echo "$dir" >> "$EXCLUDE"
done
CTRGCN=${1:-}
VIDEO=${2:-${AQA_DATA_DIR:-../shared/data}/videos/demo_skeleton.mp4}
mkdir -p .gpu_inputs/videos .gpu_inputs/CTR-GCN/model
cp "$VIDEO" .gpu_inputs/videos/
if [[ -d "$CTRGCN/model" ]]; then
    cp "$CTRGCN/model/ctrgcn.py" .gpu_inputs/CTR-GCN/model/
elif [[ -n "$CTRGCN" ]]; then
    git --git-dir "$CTRGCN" show HEAD:model/ctrgcn.py \
        > .gpu_inputs/CTR-GCN/model/ctrgcn.py
fi
"$PY" benchmarks/gpu_check_wheels.py --download
du -sh .whl .gpu_inputs
