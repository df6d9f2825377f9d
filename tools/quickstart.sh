#!/usr/bin/env bash
# README command 1: the main job on the built-in SYNTHETIC data, on CPU.
#   bash tools/quickstart.sh
# 1. sets up the environment (active venv/conda env, else .venv);
# 2. generates the built-in synthetic AQA set (skipped if already there);
# 3. trains the skeleton-stream regressor, evaluates it on the test split,
#    prints Spearman's rho and writes the result files to $WORK_DIR.
# Environment: WORK_DIR (default work_dirs/quickstart), DATA_DIR (default
# data/synthetic), EPOCHS (default: the config's).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source "$ROOT/tools/setup_env.sh"
PY="$AQA_PY"
DATA_DIR=${DATA_DIR:-data/synthetic}
WORK_DIR=${WORK_DIR:-work_dirs/quickstart}
CONFIG=configs/stgcn/stgcn_regressor_1xb16-30e_synthetic.py
OPTS=(--cfg-options "train_dataloader.dataset.ann_file=$DATA_DIR/synthetic_aqa.pkl"
      "val_dataloader.dataset.ann_file=$DATA_DIR/synthetic_aqa.pkl"
      "test_dataloader.dataset.ann_file=$DATA_DIR/synthetic_aqa.pkl")
[[ -n "${EPOCHS:-}" ]] && OPTS+=("train_cfg.max_epochs=$EPOCHS")

echo "== [1/3] built-in SYNTHETIC data -> $DATA_DIR"
if [[ -f "$DATA_DIR/synthetic_aqa.pkl" ]]; then
    echo "   already there, reusing it"
else
    "$PY" tools/data/synthetic/generate_synthetic.py --out-dir "$DATA_DIR"
fi

echo "== [2/3] training $CONFIG -> $WORK_DIR (log: $WORK_DIR/train.log)"
mkdir -p "$WORK_DIR"
# --resume: a killed quick start continues from its last checkpoint
"$PY" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" --resume "${OPTS[@]}" \
    > "$WORK_DIR/train.log" 2>&1 || { tail -20 "$WORK_DIR/train.log"; exit 1; }
grep -E "Epoch\(val\)" "$WORK_DIR/train.log" | sed 's/^.*Epoch(val)/   val/' \
    | cut -c1-120 || true

echo "== [3/3] evaluating the last checkpoint on the test split"
CKPT="$WORK_DIR/$(cat "$WORK_DIR/last_checkpoint" | xargs basename)"
"$PY" tools/test.py "$CONFIG" "$CKPT" --work-dir "$WORK_DIR" \
    --dump "$WORK_DIR/predictions.pkl" --metrics-out "$WORK_DIR/metrics.json" \
    "${OPTS[@]}" > "$WORK_DIR/test.log" 2>&1 || { tail -20 "$WORK_DIR/test.log"; exit 1; }
"$PY" - "$WORK_DIR/metrics.json" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))
print('\nResults on the SYNTHETIC test split (built-in data, not a benchmark):')
print(f"  Spearman rho (all classes pooled) : {m['aqa/spearman']:.4f}")
if 'aqa/spearman_fisher_z' in m:
    print(f"  Spearman rho (Fisher-z class avg): {m['aqa/spearman_fisher_z']:.4f}")
    for k, v in sorted(m.items()):
        if k.startswith('aqa/spearman_') and k != 'aqa/spearman_fisher_z':
            print(f"    {k[len('aqa/spearman_'):]:<28s}: {v:.4f}")
if 'aqa/r_l2' in m:
    print(f"  relative L2 (x100)                : {m['aqa/r_l2']:.4f}")
PYEOF
echo "Result files: $WORK_DIR/{metrics.json,predictions.pkl,train.log,test.log,*.pth}"
