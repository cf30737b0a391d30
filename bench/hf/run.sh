#!/bin/sh
# all-MiniLM-L6-v2 inference and LoRA fine-tuning, tokens per CPU-second, the
# engine beside PyTorch from pip, one thread each, on the same 8×64 batch;
# prints each figure and the engine/PyTorch ratio, for each backend.
#   bench/hf/run.sh [MODEL_DIR]    (default: made by scripts/hf/get_minilm.sh)
# PYTHON names an interpreter with scripts/hf/requirements.txt installed.
# BACKENDS lists the engine's backends (default "go"); xla:cpu builds with
# -tags xla and needs the PJRT CPU plugin (PJRT_PLUGIN_LIBRARY_PATH, see
# docs/xla-cpu.md), run without XLA's thread pool.
set -e
cd "$(dirname "$0")/../.."
py=${PYTHON:-python3}
dir=${1:-$(PIP="$(dirname "$py")/pip" scripts/hf/get_minilm.sh)}
# Each side runs pinned to one CPU (XLA sizes its thread pools by the CPUs it
# may use), where taskset is installed.
pin=""
if command -v taskset >/dev/null 2>&1; then
	pin="taskset -c $("$py" -c 'import os; print(min(os.sched_getaffinity(0)))')"
fi
# shellcheck disable=SC2086 # pin is a command and its words, or nothing
torch=$($pin "$py" bench/hf/torch_minilm.py "$dir" 2>/dev/null)
echo "$torch"
tf=$(echo "$torch" | awk '/forward/ {print $3}')
ts=$(echo "$torch" | awk '/lora_step/ {print $3}')
for be in ${BACKENDS:-go}; do
	tags=""
	case $be in xla*) tags="-tags xla" ;; esac
	# shellcheck disable=SC2086 # tags is one word or none
	go test $tags -c -o "${TMPDIR:-/tmp}/hf.bench.test" ./stages/train/hf
	# shellcheck disable=SC2086 # pin is a command and its words, or nothing
	gores=$(cd stages/train/hf && GOMAXPROCS=1 GOMLX_NO_AUTO_INSTALL=1 \
		XLA_FLAGS="${XLA_FLAGS:-} --xla_cpu_multi_thread_eigen=false" \
		$pin "${TMPDIR:-/tmp}/hf.bench.test" -test.run '^$' -test.bench 'MiniLM' -test.benchtime 3x -minilm-dir "$dir" -backend "$be")
	echo "$be:"
	echo "$gores" | grep Benchmark
	gf=$(echo "$gores" | awk '/MiniLMForward/ {for (i=1;i<=NF;i++) if ($(i+1)=="tokens/CPU-s") print $i}')
	gs=$(echo "$gores" | awk '/MiniLMLoRAStep/ {for (i=1;i<=NF;i++) if ($(i+1)=="tokens/CPU-s") print $i}')
	awk -v a="$gf" -v b="$tf" -v be="$be" 'BEGIN {printf "forward:   %s/PyTorch = %.3f\n", be, a/b}'
	awk -v a="$gs" -v b="$ts" -v be="$be" 'BEGIN {printf "lora step: %s/PyTorch = %.3f\n", be, a/b}'
done
