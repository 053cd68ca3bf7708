#!/usr/bin/env bash
# Step time and MFU in bf16 on one GPU, for student_85m and teacher_700m, with
# the einsum attention and with jax.nn.dot_product_attention (cuDNN's fused
# kernel on a GPU). Run it from the repository root on a machine with a
# CUDA-enabled jax:
#
#   benchmarks/gpu.sh [RESULTS_MD]
#
# Each configuration prints one JSON line (benchmarks/train_step.py); the lines
# go to benchmarks/results/gpu.jsonl and a table is appended to RESULTS_MD
# (benchmarks/RESULTS.md by default). NOMINAL_PEAK_TFLOPS (989, the H100/H200
# SXM dense bf16 datasheet figure, by default) gives the second MFU column.
set -uo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
results_md="${1:-benchmarks/RESULTS.md}"
jsonl="${GPU_JSONL:-benchmarks/results/gpu.jsonl}"
nominal="${NOMINAL_PEAK_TFLOPS:-989}"
steps="${STEPS:-20}"
mkdir -p "$(dirname "$jsonl")"
: > "$jsonl.new"

backend="$("$python" -c 'import jax; print(jax.default_backend())')"
if [[ "$backend" != "gpu" ]]; then
  echo "gpu.sh: jax sees no GPU (backend '$backend'); run it on a machine" \
       "with a CUDA-enabled jax." >&2
  exit 2
fi

# model batch length remat
configs=(
  "student_85m 64 512 none"
  "teacher_700m 32 512 full"
)
for config in "${configs[@]}"; do
  read -r model batch length remat <<<"$config"
  for attention in einsum fused; do
    echo "== $model batch $batch x $length, bf16, remat $remat, attention $attention" >&2
    if ! "$python" benchmarks/train_step.py --model="$model" --batch="$batch" \
        --length="$length" --dtype=bfloat16 --remat="$remat" \
        --attention="$attention" --steps="$steps" \
        --nominal_peak_tflops="$nominal" 2>"$jsonl.err" \
        | tee -a "$jsonl.new"; then
      echo "gpu.sh: $model with $attention attention failed:" >&2
      tail -5 "$jsonl.err" >&2
    fi
  done
done
cat "$jsonl.new" >> "$jsonl"
"$python" benchmarks/gpu_table.py "$jsonl.new" >> "$results_md"
rm -f "$jsonl.new" "$jsonl.err"
echo "gpu.sh: appended to $results_md and $jsonl" >&2
