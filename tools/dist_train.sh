#!/usr/bin/env bash
# Distributed training with torchrun (environment: see tools/dist_launch.sh).
#   bash tools/dist_train.sh CONFIG GPUS [train.py args...]
# Multi-node: set NNODES, NODE_RANK, MASTER_ADDR (and PORT) on every node.
# Without CUDA, tools/train.py uses gloo, so GPUS=2 also works on a 2-core CPU.
set -euo pipefail
exec bash "$(dirname "$0")/dist_launch.sh" "$2" tools/train.py "$1" \
    --launcher pytorch "${@:3}"
