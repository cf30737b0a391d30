#!/usr/bin/env bash
# Engine benchmarks beside the peers a user would pick instead.
#  1. Fully cached re-run of a 200-stage exec pipeline (a 100-long chain plus a
#     100-wide fan-out) against go-task (method: checksum) and GNU make on the
#     equivalent files. Prints CPU-seconds and wall seconds per re-run and both sets of ratios.
#  2. `pipeline status` over an unchanged 1 GB source (no re-read), and the
#     first-time hash of that file against reading it with cat.
# Usage: bench/engine/run.sh [REPEATS]   (BENCH_SKIP_BIG=1 skips section 2; needs network access to the Go module proxy once, for go-task)
set -euo pipefail
REPEATS=${1:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/bench/out
mkdir -p "$OUT/bin"
go build -o "$OUT/bin/pipeline" "$ROOT/cmd/pipeline"
if [ ! -x "$OUT/bin/task" ]; then
  GOBIN=$OUT/bin go install github.com/go-task/task/v3/cmd/task@v3.54.0
fi
PIPELINE=$OUT/bin/pipeline
TASK=$OUT/bin/task
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
N=100

# --- the same 200-stage graph in three tools ---------------------------------
mkdir -p "$WORK/pl" "$WORK/task" "$WORK/make"
for d in pl task make; do echo seed > "$WORK/$d/seed.txt"; done
{
  echo "version: 1"; echo "name: bench"; echo "stages:"
  echo "  c0: {kind: exec, deps: [seed.txt], with: {cmd: \"cp seed.txt \$PIPELINE_OUT/o\", outputs: [o]}}"
  for i in $(seq 1 $((N-1))); do
    echo "  c$i: {kind: exec, inputs: {x: c$((i-1))}, with: {cmd: \"cp \$PIPELINE_IN_X \$PIPELINE_OUT/o\", outputs: [o]}}"
  done
  for i in $(seq 0 $((N-1))); do
    echo "  f$i: {kind: exec, inputs: {x: c0}, with: {cmd: \"cp \$PIPELINE_IN_X \$PIPELINE_OUT/o\", outputs: [o]}}"
  done
} > "$WORK/pl/pipeline.yaml"
{
  echo "version: '3'"; echo "method: checksum"; echo "tasks:"
  echo "  default:"; echo "    deps: [c$((N-1))$(for i in $(seq 0 $((N-1))); do printf ', f%d' $i; done)]"
  echo "  c0:"; echo "    sources: [seed.txt]"; echo "    generates: [c0.out]"; echo "    cmds: [cp seed.txt c0.out]"
  for i in $(seq 1 $((N-1))); do
    echo "  c$i:"; echo "    deps: [c$((i-1))]"; echo "    sources: [c$((i-1)).out]"; echo "    generates: [c$i.out]"; echo "    cmds: [cp c$((i-1)).out c$i.out]"
  done
  for i in $(seq 0 $((N-1))); do
    echo "  f$i:"; echo "    deps: [c0]"; echo "    sources: [c0.out]"; echo "    generates: [f$i.out]"; echo "    cmds: [cp c0.out f$i.out]"
  done
} > "$WORK/task/Taskfile.yml"
{
  printf 'all: c%d.out' $((N-1)); for i in $(seq 0 $((N-1))); do printf ' f%d.out' $i; done; echo
  printf 'c0.out: seed.txt\n\tcp seed.txt c0.out\n'
  for i in $(seq 1 $((N-1))); do printf 'c%d.out: c%d.out\n\tcp c%d.out c%d.out\n' $i $((i-1)) $((i-1)) $i; done
  for i in $(seq 0 $((N-1))); do printf 'f%d.out: c0.out\n\tcp c0.out f%d.out\n' $i $i; done
} > "$WORK/make/Makefile"

. "$ROOT/bench/engine/timing.sh"

(cd "$WORK/pl" && "$PIPELINE" run pipeline.yaml -q >/dev/null)
# go-task's first run executes c0 once per dependent, concurrently (tasks run
# "always" by default), and the copies can race on c0.out; retry the warm-up.
(cd "$WORK/task" && for _ in 1 2 3; do "$TASK" -s >/dev/null 2>&1 && break; done)
(cd "$WORK/make" && make -s >/dev/null)
read -r pl plw < <(cd "$WORK/pl" && best_both "$REPEATS" "$PIPELINE" run pipeline.yaml -q)
read -r tk tkw < <(cd "$WORK/task" && best_both "$REPEATS" "$TASK" -s)
read -r mk mkw < <(cd "$WORK/make" && best_both "$REPEATS" make -s)
echo "cached re-run of 200 stages, CPU-seconds and wall seconds (best of $REPEATS each; load: $(cut -d' ' -f1-3 /proc/loadavg)):"
printf '  CPU   pipeline %s   go-task %s   make %s\n' "$pl" "$tk" "$mk"
awk -v p="$pl" -v t="$tk" -v m="$mk" 'BEGIN{printf "        pipeline/go-task = %.2f (goal <= 0.5)   pipeline/make = %.2f\n", p/t, p/m}'
printf '  wall  pipeline %s   go-task %s   make %s\n' "$plw" "$tkw" "$mkw"
awk -v p="$plw" -v t="$tkw" -v m="$mkw" 'BEGIN{printf "        pipeline/go-task = %.2f (goal <= 0.5)   pipeline/make = %.2f (goal <= 2)\n", p/t, p/m}'
if [ -n "${BENCH_SKIP_BIG:-}" ]; then exit 0; fi

# --- status over an unchanged 1 GB source -----------------------------------
mkdir -p "$WORK/big"
head -c 1073741824 /dev/urandom > "$WORK/big/data.bin"
touch -d '1 hour ago' "$WORK/big/data.bin"
cat > "$WORK/big/pipeline.yaml" <<'YAML'
version: 1
name: big
stages:
  size: {kind: exec, deps: [data.bin], with: {cmd: "wc -c < data.bin > $PIPELINE_OUT/n", outputs: [n]}}
YAML
cat "$WORK/big/data.bin" > /dev/null   # warm the page cache for both readers
readcpu=$(best_cpu 3 cat "$WORK/big/data.bin")
hashcpu=$(cd "$WORK/big" && best_cpu 3 "$PIPELINE" status pipeline.yaml -q)
(cd "$WORK/big" && "$PIPELINE" run pipeline.yaml -q >/dev/null)
st0=$(date +%s%N)
nocpu=$(cd "$WORK/big" && best_cpu 3 "$PIPELINE" status pipeline.yaml -q)
st1=$(date +%s%N)
echo "1 GB source, CPU-seconds: cat $readcpu   first hash (status on a fresh workspace) $hashcpu   unchanged status $nocpu"
awk -v r="$readcpu" -v h="$hashcpu" 'BEGIN{printf "  hashing speed / reading speed = %.2f (goal >= 0.8)\n", r/h}'
awk -v a="$st0" -v b="$st1" 'BEGIN{printf "  unchanged status: %.0f ms wall per call (3 calls measured together)\n", (b-a)/3e6}'
