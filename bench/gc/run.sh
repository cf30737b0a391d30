#!/bin/sh
# Measures `pipeline du` and `pipeline gc --dry-run` against coreutils `du -sb`
# on one synthetic workspace (default 20000 objects, 50 runs) and prints the
# CPU-seconds of each and their ratio. `pipeline du` does more than `du -sb`
# (it reads every manifest and action record and attributes objects to stages
# and runs), so a ratio near 1 means the walk, not the bookkeeping, dominates.
#
#   bench/gc/run.sh [OBJECTS] [RUNS]     (PIPELINE=path uses a built binary)
set -eu
cd "$(dirname "$0")/../.."
objects=${1:-20000}
runs=${2:-50}
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
if [ -n "${PIPELINE:-}" ]; then cp "$PIPELINE" "$work/pipeline"; else go build -o "$work/pipeline" ./cmd/pipeline; fi
python3 bench/gc/make_workspace.py "$work/ws" "$objects" "$runs"

# cpu CMD...: runs CMD five times (the first warms the page cache) and prints
# the user+system CPU-seconds of the best of the last four.
cpu() {
	best=""
	for i in 1 2 3 4 5; do
		/usr/bin/time -o "$work/time" -f "%U %S" "$@" >/dev/null 2>&1
		t=$(awk '{print $1 + $2}' "$work/time")
		if [ "$i" -gt 1 ] && { [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; }; then best=$t; fi
	done
	echo "$best"
}
peer=$(cpu du -sb "$work/ws")
du=$(cpu "$work/pipeline" du --workspace "$work/ws" --json)
gc=$(cpu "$work/pipeline" gc --workspace "$work/ws" --keep-runs 10 --dry-run)
echo "workspace: $objects objects, $runs runs"
echo "du -sb (coreutils):            ${peer}s CPU"
echo "pipeline du --json:            ${du}s CPU  ($(awk "BEGIN{printf \"%.1f\", $du / ($peer > 0 ? $peer : 0.01)}")x du -sb)"
echo "pipeline gc --dry-run:         ${gc}s CPU  ($(awk "BEGIN{printf \"%.1f\", $gc / ($peer > 0 ? $peer : 0.01)}")x du -sb)"
