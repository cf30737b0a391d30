#!/usr/bin/env bash
# Speed of `pipeline scan` beside gitleaks on the same source-like corpus.
#
#   bench/scan/run.sh [MB]      (default 200)
#
# Builds the pipeline binary, generates MB megabytes of source-like text with
# fake secrets (scripts/scan/gencorpus, fixed seed), installs gitleaks v8.30.1
# into a temporary GOBIN, runs `gitleaks dir` and `pipeline scan` on the corpus,
# and prints each one's MB per CPU-second (user + system time of the process
# and its children) and the ratio.
set -euo pipefail
MB=${1:-200}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cd "$ROOT"
go build -o "$WORK/pipeline" ./cmd/pipeline
go run ./scripts/scan/gencorpus -kind source -out "$WORK/corpus" -mb "$MB" -seed 1 >/dev/null
BYTES=$(du -sb "$WORK/corpus" | cut -f1)

GOBIN="$WORK/bin" go install github.com/zricethezav/gitleaks/v8@v8.30.1

# cpu CMD... prints the CPU-seconds (user + system) CMD used.
cpu() {
	/usr/bin/time -f "%U %S" -o "$WORK/time" "$@" >/dev/null 2>&1 || true
	tail -n 1 "$WORK/time" | awk '{ printf "%.3f", $1 + $2 }'
}

OURS=$(cpu "$WORK/pipeline" scan --format jsonl "$WORK/corpus")
THEIRS=$(cpu "$WORK/bin/gitleaks" dir "$WORK/corpus" --no-banner --report-format json --report-path "$WORK/gitleaks.json" --exit-code 0)
N_OURS=$("$WORK/pipeline" scan --format jsonl "$WORK/corpus" 2>/dev/null | wc -l || true)
N_THEIRS=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$WORK/gitleaks.json" 2>/dev/null || echo "?")

awk -v b="$BYTES" -v o="$OURS" -v t="$THEIRS" -v no="$N_OURS" -v nt="$N_THEIRS" 'BEGIN {
	mb = b / 1e6
	printf "corpus:         %.1f MB of source-like text\n", mb
	printf "pipeline scan:  %7.3f CPU-s  %8.1f MB/CPU-s  %s findings\n", o, mb / o, no
	printf "gitleaks dir:   %7.3f CPU-s  %8.1f MB/CPU-s  %s findings\n", t, mb / t, nt
	printf "ratio:          %.1fx gitleaks MB per CPU-second\n", t / o
}'
