#!/usr/bin/env bash
# Runs the test suite (README command 2). Sets up the environment first
# (reuses an active venv/conda env, else .venv), then runs pytest.
# Extra arguments go to pytest, e.g. bash tools/run_tests.sh -k spearman
# Tests that read real data find it through AQA_DATA_DIR (passed through).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source "$ROOT/tools/setup_env.sh" || exit 1
"$AQA_PY" -m pytest tests "$@"
rc=$?
if [[ $rc -eq 5 ]]; then
    echo "run_tests.sh: pytest collected no tests; that is a failure" >&2
fi
exit $rc
