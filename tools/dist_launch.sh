#!/usr/bin/env bash
# torchrun launch shared by tools/dist_train.sh and tools/dist_test.sh.
#   bash tools/dist_launch.sh GPUS SCRIPT [script args...]
# Runs SCRIPT (a path relative to the repository root) with the given
# arguments in GPUS processes per node. Multi-node: set NNODES, NODE_RANK,
# MASTER_ADDR (and PORT) on every node. The interpreter is $AQA_PY, else the
# active virtualenv/conda python, else the repository's .venv if present.
set -euo pipefail
GPUS=$1
SCRIPT=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY=${AQA_PY:-python}
if [[ -z "${VIRTUAL_ENV:-}${CONDA_PREFIX:-}" && -x "$ROOT/.venv/bin/python" ]]; then
    PY="$ROOT/.venv/bin/python"
fi
# One OpenMP thread per process unless asked otherwise: N processes sharing
# the cores each with all threads is much slower on CPU.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

exec "$PY" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" --master_port="$PORT" \
    "$ROOT/$SCRIPT" "${@:3}"
