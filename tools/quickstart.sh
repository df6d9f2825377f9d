#!/usr/bin/env bash
# README command 1: the main job on the built-in SYNTHETIC data, on CPU.
#   bash tools/quickstart.sh
# 1. sets up the environment (active venv/conda env, else .venv);
# 2. generates the built-in synthetic AQA set (skipped if already there);
# 3. pretrains the SME-GCN encoder self-supervised (InfoNCE on variance- and
#    temporally-masked views, paper §3.1);
# 4. finetunes it for scoring, evaluates the last checkpoint on the test
#    split, prints Spearman's rho and writes the result files to $WORK_DIR.
# A killed run resumes where it stopped when started again.
# Environment: WORK_DIR (default work_dirs/quickstart), DATA_DIR (default
# data/synthetic).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source "$ROOT/tools/setup_env.sh"
PY="$AQA_PY"
DATA_DIR=${DATA_DIR:-data/synthetic}
WORK_DIR=${WORK_DIR:-work_dirs/quickstart}
ANN="$DATA_DIR/synthetic_aqa.pkl"
PRETRAIN=configs/sme_gcn/pretrain_synthetic.py
FINETUNE=configs/sme_gcn/finetune_synthetic.py
DATA_OPTS=("train_dataloader.dataset.ann_file=$ANN")
EVAL_OPTS=("val_dataloader.dataset.ann_file=$ANN" "test_dataloader.dataset.ann_file=$ANN")
mkdir -p "$WORK_DIR"

echo "== [1/4] built-in SYNTHETIC data -> $DATA_DIR"
if [[ -f "$ANN" ]]; then
    echo "   already there, reusing it"
else
    "$PY" tools/data/synthetic/generate_synthetic.py --out-dir "$DATA_DIR"
fi

run() {  # run LOG CMD...: quiet unless it fails
    local log=$1; shift
    "$@" > "$log" 2>&1 || { tail -20 "$log"; echo "failed; full log: $log" >&2; exit 1; }
}

echo "== [2/4] SME-GCN self-supervised pretraining ($PRETRAIN)"
run "$WORK_DIR/pretrain.log" "$PY" tools/train.py "$PRETRAIN" \
    --work-dir "$WORK_DIR/pretrain" --resume --cfg-options "${DATA_OPTS[@]}"
grep -E "Epoch\(train\).*loss_infonce" "$WORK_DIR/pretrain.log" \
    | sed -E 's/^.*Epoch\(train\) *\[([0-9]+)\].*loss_infonce: ([0-9.]+).*/   epoch \1: InfoNCE \2/' \
    | awk 'NR==1 || /epoch (5|10|15):/' || true
ENCODER="$WORK_DIR/pretrain/$(xargs basename < "$WORK_DIR/pretrain/last_checkpoint")"

echo "== [3/4] finetuning for AQA from $ENCODER ($FINETUNE)"
run "$WORK_DIR/finetune.log" "$PY" tools/train.py "$FINETUNE" \
    --work-dir "$WORK_DIR/finetune" --resume --cfg-options "${DATA_OPTS[@]}" \
    "${EVAL_OPTS[@]}" "model.backbone.init_cfg.checkpoint=$ENCODER"
grep -E "Epoch\(val\)" "$WORK_DIR/finetune.log" | sed 's/^.*Epoch(val)/   val/' | cut -c1-100 || true

echo "== [4/4] evaluating the last finetuned checkpoint on the test split"
CKPT="$WORK_DIR/finetune/$(xargs basename < "$WORK_DIR/finetune/last_checkpoint")"
run "$WORK_DIR/test.log" "$PY" tools/test.py "$FINETUNE" "$CKPT" \
    --work-dir "$WORK_DIR/finetune" --dump "$WORK_DIR/predictions.pkl" \
    --metrics-out "$WORK_DIR/metrics.json" --cfg-options "${EVAL_OPTS[@]}" \
    "model.backbone.init_cfg=None"
"$PY" - "$WORK_DIR/metrics.json" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))
print('\nSME-GCN on the SYNTHETIC test split (built-in data, not a benchmark):')
print(f"  Spearman rho (all classes pooled) : {m['aqa/spearman']:.4f}")
if 'aqa/spearman_fisher_z' in m:
    print(f"  Spearman rho (Fisher-z class avg): {m['aqa/spearman_fisher_z']:.4f}")
    for k, v in sorted(m.items()):
        if k.startswith('aqa/spearman_') and k != 'aqa/spearman_fisher_z':
            print(f"    {k[len('aqa/spearman_'):]:<28s}: {v:.4f}")
if 'aqa/r_l2' in m:
    print(f"  relative L2 (x100)                : {m['aqa/r_l2']:.4f}")
PYEOF
echo "Result files in $WORK_DIR: metrics.json, predictions.pkl, *.log, pretrain/ and finetune/ checkpoints"
