#!/usr/bin/env bash
# Distributed testing with torchrun (environment: see tools/dist_launch.sh).
#   bash tools/dist_test.sh CONFIG CHECKPOINT GPUS [test.py args...]
# Multi-node: set NNODES, NODE_RANK, MASTER_ADDR (and PORT) on every node.
# Without CUDA, tools/test.py uses gloo, so GPUS=2 also works on a 2-core CPU.
set -euo pipefail
exec bash "$(dirname "$0")/dist_launch.sh" "$3" tools/test.py "$1" "$2" \
    --launcher pytorch "${@:4}"
