# The environment of the GPU scripts (gpu_check.sh, gpu_nw_ucla_semi.sh) on
# the GPU machine; sourced from the repository root, with ROOT set to it:
#   source benchmarks/gpu_env.sh LOG
# python3 there holds torch with CUDA; the wheels that travel in .whl/ go to
# /tmp/site (--target, no network), and aqa_mm is this working tree
# (PYTHONPATH: the machine is bare and given back after the call, so nothing
# is installed into its environment). setuptools < 81 (pkg_resources, which
# mmpose.apis needs through mmengine; distutils on Python 3.12) is installed
# only if the machine lacks either. pip's output and time go to LOG. Sets PY,
# SITE and LOG, and exports PYTHONPATH.
# Fill .whl/ first with benchmarks/gpu_prepare.sh; see DEVELOPERS.md.
PY=${AQA_PY:-python3}
SITE=/tmp/site
LOG=${1:?usage: source benchmarks/gpu_env.sh LOG}
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
