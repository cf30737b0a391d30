#!/usr/bin/env bash
# The engine beside DVC (pip, pinned) on the same work:
#  1. a fully cached re-run of a 200-stage exec pipeline (a 100-long chain plus
#     a 100-wide fan-out): `dvc repro` vs `pipeline run`;
#  2. status over an unchanged 1 GB source: `dvc status` vs `pipeline status`;
#  3. a 4-point parameter sweep of a quickstart-shaped pipeline of exec stages
#     (prepare → featurize → train → evaluate, train taking ~1 s): `dvc exp run
#     --queue` four times and `dvc queue start -j 2` vs one `pipeline run` of a
#     `sweep:` with --jobs 2.
# Prints CPU-seconds (user+sys, children included; best of REPEATS) or wall
# seconds for the sweep, and the ratios. Needs PyPI once (a venv under
# bench/out/dvcenv).
# Usage: bench/engine/dvc.sh [REPEATS]
set -euo pipefail
REPEATS=${1:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/bench/out
DVC_VERSION=3.67.1
mkdir -p "$OUT/bin"
go build -o "$OUT/bin/pipeline" "$ROOT/cmd/pipeline"
PIPELINE=$OUT/bin/pipeline
if [ ! -x "$OUT/dvcenv/bin/dvc" ]; then
  python3 -m venv "$OUT/dvcenv"
  "$OUT/dvcenv/bin/pip" install -q "dvc==$DVC_VERSION"
fi
DVC=$OUT/dvcenv/bin/dvc
# dvc's queue workers start `dvc` from PATH.
export PATH="$OUT/dvcenv/bin:$PATH"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK" 2>/dev/null || true' EXIT
N=100
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
export DVC_NO_ANALYTICS=1

. "$ROOT/bench/engine/timing.sh"
wall_of() {
  local a b; a=$(date +%s%N); "$@" >/dev/null 2>&1; b=$(date +%s%N)
  awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", (b-a)/1e9}'
}
dvc_repo() {
  (cd "$1" && git init -q && "$DVC" init -q && git add -A && git commit -qm init)
}

# --- 1. cached re-run of 200 stages -------------------------------------------
mkdir -p "$WORK/pl" "$WORK/dvc"
for d in pl dvc; do echo seed > "$WORK/$d/seed.txt"; done
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
  echo "stages:"
  echo "  c0: {cmd: cp seed.txt c0.out, deps: [seed.txt], outs: [c0.out]}"
  for i in $(seq 1 $((N-1))); do echo "  c$i: {cmd: cp c$((i-1)).out c$i.out, deps: [c$((i-1)).out], outs: [c$i.out]}"; done
  for i in $(seq 0 $((N-1))); do echo "  f$i: {cmd: cp c0.out f$i.out, deps: [c0.out], outs: [f$i.out]}"; done
} > "$WORK/dvc/dvc.yaml"
dvc_repo "$WORK/dvc"
(cd "$WORK/pl" && "$PIPELINE" run pipeline.yaml -q >/dev/null)
(cd "$WORK/dvc" && "$DVC" repro -q >/dev/null 2>&1)
pl=$(cd "$WORK/pl" && best_cpu "$REPEATS" "$PIPELINE" run pipeline.yaml -q)
dv=$(cd "$WORK/dvc" && best_cpu "$REPEATS" "$DVC" repro -q)
echo "cached re-run of 200 stages, CPU-seconds (best of $REPEATS): pipeline $pl   dvc repro $dv"
awk -v p="$pl" -v d="$dv" 'BEGIN{printf "  dvc/pipeline = %.1fx\n", d/p}'

# --- 2. status over an unchanged 1 GB source ------------------------------------
for d in plbig dvcbig; do
  mkdir -p "$WORK/$d"
  head -c 1073741824 /dev/zero | tr '\0' 'x' > "$WORK/$d/data.bin"
  touch -d '1 hour ago' "$WORK/$d/data.bin"
done
cat > "$WORK/plbig/pipeline.yaml" <<'YAML'
version: 1
name: big
stages:
  size: {kind: exec, deps: [data.bin], with: {cmd: "wc -c < data.bin > $PIPELINE_OUT/n", outputs: [n]}}
YAML
echo 'stages: {size: {cmd: wc -c < data.bin > n.txt, deps: [data.bin], outs: [n.txt]}}' > "$WORK/dvcbig/dvc.yaml"
dvc_repo "$WORK/dvcbig"
(cd "$WORK/plbig" && "$PIPELINE" run pipeline.yaml -q >/dev/null)
(cd "$WORK/dvcbig" && "$DVC" repro -q >/dev/null 2>&1)
pls=$(cd "$WORK/plbig" && best_cpu "$REPEATS" "$PIPELINE" status pipeline.yaml -q)
dvs=$(cd "$WORK/dvcbig" && best_cpu "$REPEATS" "$DVC" status -q)
echo "status over an unchanged 1 GB source, CPU-seconds: pipeline $pls   dvc status $dvs"
awk -v p="$pls" -v d="$dvs" 'BEGIN{printf "  dvc/pipeline = %.1fx\n", d/p}'

# --- 3. a 4-point sweep, two at a time ------------------------------------------
mkdir -p "$WORK/plsweep" "$WORK/dvcsweep"
seq 1 20000 > "$WORK/plsweep/data.txt"
cp "$WORK/plsweep/data.txt" "$WORK/dvcsweep/data.txt"
cat > "$WORK/plsweep/pipeline.yaml" <<'YAML'
version: 1
name: sweep
params: {lr: 0.1}
sweep: {lr: [0.1, 0.2, 0.3, 0.4]}
stages:
  prepare: {kind: exec, deps: [data.txt], with: {cmd: "sort -n data.txt > $PIPELINE_OUT/d", outputs: [d]}}
  featurize: {kind: exec, inputs: {d: prepare}, with: {cmd: "awk '{print $1*2}' $PIPELINE_IN_D > $PIPELINE_OUT/f", outputs: [f]}}
  train: {kind: exec, inputs: {f: featurize}, with: {cmd: "sleep 1; echo ${lr} > $PIPELINE_OUT/m", outputs: [m]}}
  evaluate: {kind: exec, inputs: {m: train}, with: {cmd: "cat $PIPELINE_IN_M > $PIPELINE_OUT/s", outputs: [s]}}
YAML
cat > "$WORK/dvcsweep/params.yaml" <<'YAML'
lr: 0.1
YAML
cat > "$WORK/dvcsweep/dvc.yaml" <<'YAML'
stages:
  prepare: {cmd: sort -n data.txt > d.txt, deps: [data.txt], outs: [d.txt]}
  featurize: {cmd: "awk '{print $1*2}' d.txt > f.txt", deps: [d.txt], outs: [f.txt]}
  train: {cmd: "sleep 1; grep lr params.yaml > m.txt", deps: [f.txt], params: [lr], outs: [m.txt]}
  evaluate: {cmd: cat m.txt > s.txt, deps: [m.txt], outs: [s.txt]}
YAML
dvc_repo "$WORK/dvcsweep"
plw=$(cd "$WORK/plsweep" && wall_of "$PIPELINE" run pipeline.yaml -q --jobs 2)
# Queue the four points, start two workers, and wait (at most 10 minutes)
# until no task is queued or running.
dvw=$(cd "$WORK/dvcsweep" && wall_of sh -c "for lr in 0.1 0.2 0.3 0.4; do $DVC exp run --queue -S lr=\$lr -q; done; $DVC queue start -j 2 -q; end=\$((\$(date +%s) + 600)); while $DVC queue status 2>/dev/null | grep -qE 'Running|Queued' && [ \$(date +%s) -lt \$end ]; do sleep 0.5; done")
ok=$(cd "$WORK/dvcsweep" && "$DVC" queue status 2>/dev/null | grep -c Success || true)
[ "$ok" = 4 ] || echo "  (dvc finished $ok of 4 points)"
(cd "$WORK/dvcsweep" && "$DVC" queue stop --kill -q >/dev/null 2>&1 || true)
echo "4-point sweep with 2 at a time, wall seconds (train sleeps 1 s a point): pipeline $plw   dvc exp queue $dvw"
awk -v p="$plw" -v d="$dvw" 'BEGIN{printf "  dvc/pipeline = %.1fx\n", d/p}'
