#!/usr/bin/env bash
# Train and test every fusion variant on one feature cache, several seeds,
# and summarise test Spearman rho as mean ± std (README "Preference fusion").
#   bash tools/analysis/run_fusion_variants.sh [WORK_DIR] [SEEDS...]
# Needs the feature cache of configs/2maf/2maf_synthetic.py and its
# cross-fitted labels, both made by the quick start (FEATS, default
# work_dirs/quickstart/2maf/features). Each run takes seconds of compute.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PY=${AQA_PY:-python}
WORK=${1:-work_dirs/fusion_variants}
shift || true
SEEDS=("${@:-0 1 2}")
read -r -a SEEDS <<< "${SEEDS[*]}"
CONFIGS=(
    configs/2maf/baselines/skeleton_only_synthetic_cached.py
    configs/2maf/baselines/rgb_only_synthetic_cached.py
    configs/2maf/baselines/sf_synthetic_cached.py
    configs/2maf/baselines/pfm_mlp_synthetic_cached.py
    configs/2maf/baselines/pfm_mse_synthetic_cached.py
    configs/2maf/baselines/pfm_mae_synthetic_cached.py
    configs/2maf/2maf_synthetic_cached.py
    configs/2maf/2maf_synthetic_cached_soft.py
    configs/2maf/2maf_synthetic_cached_crossfit.py
    configs/2maf/2maf_synthetic_cached_safe.py
)
FEATS=${FEATS:-work_dirs/quickstart/2maf/features}
ANN=${ANN:-data/synthetic/synthetic_aqa.pkl}
OPTS=("train_dataloader.dataset.ann_file=$ANN"
      "val_dataloader.dataset.ann_file=$ANN"
      "test_dataloader.dataset.ann_file=$ANN"
      "train_dataloader.dataset.data_prefix.feature=$FEATS"
      "val_dataloader.dataset.data_prefix.feature=$FEATS"
      "test_dataloader.dataset.data_prefix.feature=$FEATS")
RESULTS=()
for cfg in "${CONFIGS[@]}"; do
    name=$(basename "$cfg" .py)
    for seed in "${SEEDS[@]}"; do
        dir="$WORK/${name}_seed$seed"
        opts=("${OPTS[@]}")
        if grep -q preference_file "$cfg" || [[ $cfg == *safe* ]]; then
            opts+=("train_dataloader.dataset.pipeline.0.preference_file=$FEATS/preferences_k5_s0.pkl")
        fi
        if [[ ! -f "$dir/metrics.json" ]]; then
            mkdir -p "$WORK"
            "$PY" tools/train.py "$cfg" --work-dir "$dir" --cfg-options \
                randomness.seed="$seed" "${opts[@]}" > "$dir.log" 2>&1 \
                || { tail -5 "$dir.log"; exit 1; }
            ckpt="$dir/$(xargs basename < "$dir/last_checkpoint")"
            "$PY" tools/test.py "$cfg" "$ckpt" --work-dir "$dir" \
                --dump "$dir/preds.pkl" --metrics-out "$dir/metrics.json" \
                --cfg-options "${opts[@]}" >> "$dir.log" 2>&1 || { tail -5 "$dir.log"; exit 1; }
        fi
        RESULTS+=("$name=$dir/metrics.json")
        echo "$name seed $seed: $(grep -o '"aqa/spearman": [0-9.-]*' "$dir/metrics.json")"
    done
done
"$PY" tools/analysis/summarize.py "${RESULTS[@]}" --metrics 'aqa/spearman' \
    'aqa/spearman_fisher_z' --out "$WORK/summary.md"
cat "$WORK/summary.md"
