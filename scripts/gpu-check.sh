#!/usr/bin/env bash
# Checks training on a GPU through XLA's CUDA plugin and times it.
#
#   scripts/gpu-check.sh [PIPELINE_BINARY]
#
# PIPELINE_BINARY is a pipeline built with `-tags xla` (default bin/pipeline-xla:
# `go build -tags xla -o bin/pipeline-xla ./cmd/pipeline`). The CUDA plugin is
# $XLA_CUDA_PLUGIN, or else the one Python's jax-cuda13-pjrt installed. Nothing
# is downloaded.
#
# It runs definitions/gpu-lm.yaml three ways in one workspace (the data stages
# are computed once): a small model on SimpleGo and the same on CUDA, whose
# losses and test perplexity must agree to within 2%; then the full model in
# float32 and in bfloat16 on CUDA. It prints each run's figures and exits 1 when
# a run fails or the backends disagree. Each run's JSON and log go to $OUT (a
# new temporary folder when unset), the workspace to $GPU_CHECK_WORKSPACE
# (default $OUT/workspace).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-bin/pipeline-xla}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
# The backend is named as a user would name it: xla:cuda, found through
# PJRT_PLUGIN_LIBRARY_PATH; the binary points XLA at the NVIDIA libraries
# installed beside the plugin by itself.
if [[ -n ${XLA_CUDA_PLUGIN:-} ]]; then
	backend=xla:$XLA_CUDA_PLUGIN
else
	dir=$(python3 - <<'PY'
import importlib.util, os
spec = importlib.util.find_spec("jax_plugins.xla_cuda13")
print(os.path.dirname(spec.origin) if spec else "")
PY
)
	if [[ -z $dir ]]; then
		echo "gpu-check: no CUDA PJRT plugin found (pip's jax-cuda13-pjrt); set XLA_CUDA_PLUGIN=/abs/path/xla_cuda_plugin.so" >&2
		exit 2
	fi
	export PJRT_PLUGIN_LIBRARY_PATH=$dir
	backend=xla:cuda
fi
export GOMLX_NO_AUTO_INSTALL=1
echo "backend: $backend (PJRT_PLUGIN_LIBRARY_PATH=${PJRT_PLUGIN_LIBRARY_PATH:-})"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
"$bin" version

def=definitions/gpu-lm.yaml
ws=${GPU_CHECK_WORKSPACE:-$out/workspace}
small=(--set model.d=64 --set model.layers=2 --set model.heads=2 --set model.seq=64 --set batch=8 --set steps=60)
status=0
run() { # name, then run's arguments
	local name=$1
	shift
	local t0=$SECONDS
	if "$bin" run "$def" --workspace "$ws" --json "$@" >"$out/$name.json" 2>"$out/$name.log"; then
		echo "$name: ok in $((SECONDS - t0)) s"
	else
		echo "$name: FAILED after $((SECONDS - t0)) s; the end of its log:"
		tail -n 30 "$out/$name.log"
		status=1
	fi
}
run small-go --set backend=go "${small[@]}"
run small-cuda --set "backend=$backend" "${small[@]}"
run big-f32 --set "backend=$backend"
run big-bf16 --set "backend=$backend" --set dtype=bfloat16

python3 - "$out" <<'PY' || status=1
import json, os, sys
out = sys.argv[1]
runs = {}
for name in ["small-go", "small-cuda", "big-f32", "big-bf16"]:
    try:
        doc = json.load(open(os.path.join(out, name + ".json")))
    except (OSError, ValueError):
        continue
    st = {s["name"]: s for s in doc["stages"]}
    if st["lm"]["status"] not in ("ran", "cached") or st["perplexity"]["status"] not in ("ran", "cached"):
        continue
    lm, ev = st["lm"].get("metrics", {}), st["perplexity"].get("metrics", {})
    runs[name] = dict(lm, perplexity=ev.get("perplexity"), seconds=st["lm"]["duration_ms"] / 1000)
    print(f"{name:10s} params {lm.get('total_params', 0):>11,.0f}  tokens/s {lm.get('tokens_per_second', 0):>10,.0f}"
          f"  train_loss {lm.get('train_loss', 0):.4f}  val_loss {lm.get('val_loss', 0):.4f}"
          f"  test perplexity {ev.get('perplexity', 0):.2f}  first step {lm.get('first_step_seconds', 0):.1f} s"
          f"  train stage {runs[name]['seconds']:.1f} s")
if "small-go" in runs and "small-cuda" in runs:
    a, b = runs["small-go"], runs["small-cuda"]
    worst = max(abs(a[k] - b[k]) / abs(a[k]) for k in ["train_loss", "val_loss", "perplexity"])
    print(f"SimpleGo vs CUDA, small model: largest relative difference {worst:.2e}; "
          f"CUDA trains {b['tokens_per_second'] / a['tokens_per_second']:.1f}x the tokens per second")
    if worst > 0.02:
        print("the backends disagree by more than 2%")
        sys.exit(1)
else:
    sys.exit(1)
PY
exit $status
