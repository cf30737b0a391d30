#!/usr/bin/env bash
# Train, evaluate and predict through XLA's CPU client: install the PJRT CPU
# plugin from PyPI (lammps-jax-pjrt-cpu, Apache-2.0, the plugin of JAX 0.11.2
# built as pjrt_c_api_cpu_plugin.so) into a folder, then run the XLA build's
# tests against it (stages/train/backend and cmd/pipeline's xla:cpu test, which
# checks the run agrees with SimpleGo's).
# PJRT_CPU_DIR names a folder to install into and reuse. When PyPI cannot be
# reached the script says so and exits 0 without checking.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${TMPDIR:-/tmp}/xla-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
dir=${PJRT_CPU_DIR:-$work/pjrt}
if ! compgen -G "$dir/*/pjrt_c_api_cpu_plugin.so" >/dev/null; then
  if ! PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --no-deps --target "$dir" lammps-jax-pjrt-cpu==0.11.2; then
    echo "scripts/xla/check.sh: SKIPPED: the PJRT CPU plugin could not be installed (is PyPI reachable?)" >&2
    exit 0
  fi
fi
export PJRT_PLUGIN_LIBRARY_PATH="$dir"
# Without the plugin the xla:cpu test skips; here it must run.
out=$(go test -tags xla -count=1 -v ./stages/train/backend ./cmd/pipeline -run 'XLA|Plugin' 2>&1) || { echo "$out"; exit 1; }
if echo "$out" | grep -q -- "--- SKIP: TestXLACPU"; then
  echo "$out"
  echo "scripts/xla/check.sh: the xla:cpu test skipped although the plugin is installed in $dir" >&2
  exit 1
fi
echo "$out" | grep -E "^(--- |ok|FAIL)"
echo "scripts/xla/check.sh: train, eval and predict run on xla:cpu and agree with SimpleGo"
